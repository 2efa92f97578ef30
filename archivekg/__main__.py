from archivekg.cli import main

raise SystemExit(main())
