"""A resume reader that takes its time (then reads for real), so that tests can see how many run
at once. Runs in the limited child process in place of resumes.parse_worker."""

import sys
import time

from resumes.parse_worker import main

if __name__ == "__main__":
    time.sleep(0.7)
    sys.exit(main())
