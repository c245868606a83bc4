#!/usr/bin/env python3
"""The fuzzing campaign's planner (harness/fuzz/campaign.py slice_plan): a round's wall time goes to the targets in
proportion to the CPU time they lack, measured CPU rates change the split, and the whole round is handed out."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness", "fuzz"))
import campaign  # noqa: E402


class SlicePlan(unittest.TestCase):
    def test_the_target_lacking_most_gets_most(self):
        s = campaign.slice_plan(["a", "b"], 1000, {"a": 3000, "b": 1800}, 3600)
        self.assertGreater(s["b"], s["a"])
        # a lacks 600, b lacks 1800: after the minimum slices the rest is split 1:3.
        self.assertAlmostEqual((s["b"] - campaign.MIN_SLICE_S) / (s["a"] - campaign.MIN_SLICE_S), 3.0, delta=0.05)
        self.assertLessEqual(sum(s.values()), 1000)
        self.assertGreaterEqual(sum(s.values()), 1000 - 2)

    def test_a_target_past_the_goal_still_gets_a_slice(self):
        s = campaign.slice_plan(["a", "b"], 1000, {"a": 9000, "b": 0}, 3600)
        self.assertGreaterEqual(s["a"], campaign.MIN_SLICE_S)
        self.assertGreater(s["b"], s["a"] * 5)

    def test_a_slow_target_gets_more_wall_time_for_the_same_lack(self):
        # Same CPU lacking, but b uses only half a CPU-second per wall second where a uses two: b needs 4x the wall time.
        s = campaign.slice_plan(["a", "b"], 1000, {"a": 0, "b": 0}, 3600, {"a": 2.0, "b": 0.5})
        self.assertAlmostEqual((s["b"] - campaign.MIN_SLICE_S) / (s["a"] - campaign.MIN_SLICE_S), 4.0, delta=0.05)
        # Without measured rates the split is even.
        s = campaign.slice_plan(["a", "b"], 1000, {"a": 0, "b": 0}, 3600)
        self.assertEqual(s["a"], s["b"])

    def test_a_round_too_short_for_the_minimum_is_split_evenly(self):
        s = campaign.slice_plan(["a", "b", "c"], 24, {}, 3600)
        self.assertEqual(set(s.values()), {8})


class Replan(unittest.TestCase):
    def test_this_campaigns_cpu_counts_with_the_earlier_ones(self):
        # a had 3000 s before and got 600 s now: at the goal; b had 1800 s and got nothing: it gets nearly all.
        measured = {"a": {"cpu_seconds": 600, "wall_seconds": 300}, "b": {"cpu_seconds": 0, "wall_seconds": 0}}
        s = campaign.replan(["a", "b"], measured, {"a": 3000, "b": 1800}, 1000, 3600, 2)
        self.assertGreater(s["b"], s["a"] * 4)

    def test_a_rate_near_zero_does_not_draw_the_whole_round(self):
        measured = {"a": {"cpu_seconds": 200, "wall_seconds": 100}, "b": {"cpu_seconds": 1, "wall_seconds": 100}}
        s = campaign.replan(["a", "b"], measured, {}, 1000, 3600, 2)
        # b's rate is held at 0.5 (a quarter of 2 jobs): about 4x a's share of the spare time (times 3599/3400 for
        # what each lacks), not 200x.
        ratio = (s["b"] - campaign.MIN_SLICE_S) / (s["a"] - campaign.MIN_SLICE_S)
        self.assertAlmostEqual(ratio, 4 * 3599 / 3400, delta=0.05)

    def test_behind_schedule_every_target_gets_the_shortest_slice(self):
        s = campaign.replan(["a", "b", "c"], {}, {}, 25, 3600, 2)
        self.assertEqual(s, {"a": campaign.MIN_SLICE_S, "b": campaign.MIN_SLICE_S, "c": campaign.MIN_SLICE_S})
        s = campaign.replan(["a", "b", "c"], {}, {}, -50, 3600, 2)
        self.assertEqual(set(s.values()), {campaign.MIN_SLICE_S})


if __name__ == "__main__":
    unittest.main()
