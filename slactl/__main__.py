from slactl.cli import main

if __name__ == "__main__":  # not when a parallel score's worker process imports it
    raise SystemExit(main())
