from slactl.cli import main

raise SystemExit(main())
