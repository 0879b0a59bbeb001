"""`python -m review_service.cli`, as the tests and benchmarks run it."""

from review_service.cli.main import main

raise SystemExit(main())
