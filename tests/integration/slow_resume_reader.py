"""A resume reader that takes three seconds before reading for real, so that a test can kill
the worker while a resume is being read (it runs in the limited child process)."""

import sys
import time

from resumes.parse_worker import main

if __name__ == "__main__":
    time.sleep(3)
    sys.exit(main())
