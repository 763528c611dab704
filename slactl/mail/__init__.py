"""Mail: notices composed from lifecycle events, SMTP delivery and the state file that sends each notice once."""
