#pragma once
// A hand-written trace that the trace statistics and `tidemark inspect` tests share: two
// partitions, devices a (p0) and b (p1); both go quiet for 98.8 s of processing time. The
// figures are worked out by hand in tests/runner/trace_stats_test.cpp.

namespace tidemark::test {

inline constexpr const char* kQuietDevicesTrace =
    "partition,key,event_time,send_time,receive_time,true_time\n"
    "0,a,1000,1000,1000,900\n"        // behind max 0;    r-s 0;    e-t 100;  corrected 1000
    "1,b,2000,2000,1100,1050\n"       // behind max 0;    r-s -900; e-t 950;  corrected 1100
    "0,a,500,1150,1200,400\n"         // behind max 1500; r-s 50;   e-t 100;  corrected 550
    "1,b,1500,2250,1300,500\n"        // behind max 500;  r-s -950; e-t 1000; corrected 550
    "0,a,3000,99910,100000,2900\n"    // behind max 0;    r-s 90;   e-t 100;  corrected 3090
    "1,b,2500,101000,100100,1500\n";  // behind max 500;  r-s -900; e-t 1000; corrected 1600

}  // namespace tidemark::test
