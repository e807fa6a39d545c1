-- A broadcast completes without the recipients who never entered its program only once entries
-- have stopped for a while, not a fixed time after the last event was delivered: a worker working
-- off a backlog of delivered signals was still entering recipients when the run completed and
-- archived the program, and the late ones were never emailed (a 5,000 drill on a loaded machine
-- left 4 so). The run notes the entered count it last saw and when it changed.
ALTER TABLE "broadcasts" ADD COLUMN "entered_seen" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "entered_changed_at" TIMESTAMP(3);
