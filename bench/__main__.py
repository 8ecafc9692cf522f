from bench.cli import main
from retrieval.environment import set_process_environment

set_process_environment()
raise SystemExit(main())
