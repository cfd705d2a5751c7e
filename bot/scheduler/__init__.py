"""Scheduled jobs: the job table (`jobs`), the once-across-processes guard (`lock`), one run
recorded in `job_runs` (`runner`), and the APScheduler worker that fires them (`worker`).

Nothing is imported here, so `learnbot jobs run` reads the job table without APScheduler.
"""
