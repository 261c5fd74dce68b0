//! The simulated clock and how kubectl shows time: ages as `HumanDuration` writes them
//! (`staging/src/k8s.io/apimachinery/pkg/util/duration/duration.go`), timestamps as
//! RFC 3339 in YAML and as RFC 1123 with a numeric zone in descriptions.
//!
//! Session time is in milliseconds; 0 is the moment the session starts, which is
//! [`SESSION_START`] on the wall clock unless an object of the input was created later
//! (then that object's creation time).

use crate::rollout::Millis;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

/// The wall-clock moment a session starts when nothing in the input is newer:
/// 2025-06-01T12:00:00Z, in milliseconds since the Unix epoch.
pub const SESSION_START: i64 = 1_748_779_200_000;

/// One day in milliseconds.
pub const DAY: Millis = 86_400_000;

/// `duration.HumanDuration`: an age with two or three significant figures (`45s`,
/// `2m30s`, `10m`, `5h12m`, `10d`, `3y2d`).
pub fn human_duration(ms: Millis) -> String {
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".to_owned();
    }
    if seconds < 0 {
        return "0s".to_owned();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = ms / 60_000;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = ms / 3_600_000;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Converts between session time and the wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The wall-clock time of session time 0, in milliseconds since the Unix epoch.
    pub start: i64,
}

impl Clock {
    /// The wall-clock milliseconds of a session time.
    pub fn wall(self, at: Millis) -> i64 {
        self.start.saturating_add(at)
    }

    /// The session time of a Kubernetes timestamp.
    pub fn session_time(self, time: &Time) -> Millis {
        time.0.as_millisecond().saturating_sub(self.start)
    }

    /// A Kubernetes timestamp for a session time (whole seconds, as the API server keeps).
    pub fn time(self, at: Millis) -> Time {
        let seconds = self.wall(at).div_euclid(1000);
        Time(Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH))
    }

    /// `time.RFC1123Z`, as `kubectl describe` prints times: `Sun, 01 Jun 2025 12:00:00 +0000`.
    pub fn rfc1123z(self, at: Millis) -> String {
        self.time(at)
            .0
            .strftime("%a, %d %b %Y %H:%M:%S +0000")
            .to_string()
    }

    /// RFC 3339 in UTC with whole seconds, as objects carry timestamps.
    pub fn rfc3339(self, at: Millis) -> String {
        self.time(at).0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        // Cases from duration_test.go (TestHumanDuration).
        for (ms, want) in [
            (1000, "1s"),
            (70_000, "70s"),
            (190_000, "3m10s"),
            (70 * 60_000, "70m"),
            (47 * 3_600_000, "47h"),
            (49 * 3_600_000, "2d1h"),
            ((8 * 24 + 2) * 3_600_000, "8d"),
            (367 * DAY, "367d"),
            ((365 * 2 + 1) * DAY, "2y1d"),
            ((365 * 8 + 1) * DAY, "8y"),
            (-1500, "0s"),
            (-2000, "<invalid>"),
        ] {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn timestamps_in_kubectl_formats() {
        let clock = Clock {
            start: SESSION_START,
        };
        assert_eq!(clock.rfc3339(0), "2025-06-01T12:00:00Z");
        assert_eq!(clock.rfc1123z(DAY), "Mon, 02 Jun 2025 12:00:00 +0000");
        assert_eq!(clock.session_time(&clock.time(-10 * DAY)), -10 * DAY);
    }
}
