#!/usr/bin/env python3
"""Writes data/demo.csv: the small trace shipped for scripts/demo.sh (deterministic, no deps).

Six sensors on three partitions send a reading every ~200 ms for ten minutes. Most arrive after
a short network delay; 3% were buffered on a device that was offline for 5-90 s and arrive late.
Device clocks are off by a fixed amount per sensor (event_time and send_time are device clock
readings; receive_time is the server clock)."""
import random

rng = random.Random(20261121)
start = 1_763_719_200_000  # 2025-11-21T10:00:00Z
sensors = [f"sensor-{c}" for c in "abcdef"]
skew = {s: rng.randint(-800, 800) for s in sensors}
rows = []
for i, s in enumerate(sensors):
    t = start + rng.randint(0, 200)
    while t < start + 600_000:
        delay = int(rng.expovariate(1 / 150)) + 5
        if rng.random() < 0.03:
            delay += rng.randint(5_000, 90_000)  # buffered while offline
        send = t + delay - 5 + skew[s]
        receive = t + delay
        value = round(20 + 5 * rng.random() + (i % 3), 2)
        rows.append((receive, i % 3, s, t + skew[s], value, send, receive))
        t += rng.randint(150, 250)
rows.sort()
with open("data/demo.csv", "w") as f:
    f.write("partition,key,event_time,value,send_time,receive_time\n")
    for _, p, k, et, v, st, rt in rows:
        f.write(f"{p},{k},{et},{v},{st},{rt}\n")
