import sys

from retrieval.cli import main
from retrieval.environment import set_process_environment

set_process_environment()
sys.exit(main())
