# The concurrency tests, run under ThreadSanitizer by the tsan preset (tests/run.sh, stage tsan):
# the store's group commit and concurrent appends, the key ring (erasure), and over HTTP against
# the TSan-built server: simultaneous bed assignments, long polls and the commit signal, erasure,
# graceful shutdown and restart, online backup, timeouts and idle connections, writers killed
# mid-commit, and webhook delivery through failures and kills. Each gtest test is one ctest
# test "tsan.<Suite>.<Test>" with label
# concurrency (ctest --preset tsan, or -L concurrency). The filters also take future tests by
# name (*LongPoll*, *Shutdown*, *Erasure*, *Concurrent*, *KeyRing*).
#
# TSAN_OPTIONS reaches the test and, through it, every server and tool it starts:
# halt_on_error=1 stops a process at its first report with exit code 66, and
# tests/support/server_process.cpp fails the test when a server's stderr holds a report.
if(NOT PERSPECTIEF_TSAN)
  return()
endif()

set(PERSPECTIEF_TSAN_OPTIONS
    "halt_on_error=1:exitcode=66:second_deadlock_stack=1:suppressions=${CMAKE_CURRENT_SOURCE_DIR}/tsan.supp")

function(perspectief_tsan_tests target filter)
  gtest_discover_tests(${target}
    TEST_PREFIX "tsan."
    TEST_FILTER "${filter}"
    DISCOVERY_TIMEOUT 120
    PROPERTIES LABELS concurrency TIMEOUT 600
               ENVIRONMENT "TSAN_OPTIONS=${PERSPECTIEF_TSAN_OPTIONS}")
endfunction()

perspectief_tsan_tests(eventstore_tests
  "RocksEventStoreTest.*:RocksEventStorePolicy.*:*RingTest.*:*KeyRing*:*Concurrent*:FollowerStoreTest.*")

perspectief_tsan_tests(integration_tests
  "BedRace.*:Robustness.*:Restart.*:Backup.*:HttpAppend.FeedPagesAndLongPolls:HttpAppend.EventsSurviveARestart:HttpProtocol.OccupancyNowFollowsEveryCommit:Privacy.ErasureMakesThePersonUnreadableEverywhereAndKeepsTheFigures:*LongPoll*:*Shutdown*:*Erasure*:*Concurrent*-Roles.*")

perspectief_tsan_tests(crash_tests "CrashTest.*:WebhookCrashTest.*")

# The read follower: its catch-up thread folds and wakes long polls beside the request threads.
perspectief_tsan_tests(follower_tests "FollowerTest.*")
