//! The daemonset controller's events as the API server keeps them.
//!
//! - A sync whose pod create the API server refuses fails, and the controller's work queue
//!   retries it (`processNextWorkItem` in `pkg/controller/daemon/daemon_controller.go`:
//!   `AddRateLimited`) with the per-item exponential backoff of
//!   `DefaultControllerRateLimiter` (`staging/src/k8s.io/client-go/util/workqueue/`
//!   `default_rate_limiters.go`): 5 ms, doubling with each failure up to 1000 s, until a
//!   sync succeeds (`Forget`). A change that makes the controller sync (of the DaemonSet,
//!   a node, a pod) is a sync of its own; a retry already waiting keeps its earlier time
//!   (the delaying queue keeps the earliest). Each failed sync tries one pod (`syncNodes`
//!   creates in slow-start batches, the first of one pod) and records one `FailedCreate`.
//! - client-go's recorder correlates every event the controller records about an object
//!   (`EventCorrelator` in `staging/src/k8s.io/client-go/tools/record/events_cache.go`):
//!   once ten events of one type and reason that differ only in their message follow each
//!   other within ten minutes, the tenth and the following ones become one event,
//!   `(combined from similar events): MESSAGE`, counted; an identical event is counted on
//!   the first; and a source may send 25 events about an object at once, then one every
//!   five minutes (the spam filter; what it holds back is counted by the next one sent).

use super::describe::EventRow;
use crate::rollout::Millis;
use std::collections::{BTreeSet, HashMap};

/// The first retry's delay (`baseDelay`).
pub const RETRY_BASE: Millis = 5;

/// The longest delay between retries (`maxDelay`).
pub const RETRY_MAX: Millis = 1_000_000;

/// How many similar events (same type and reason, other messages) within
/// [`AGGREGATE_INTERVAL`] of each other make a combined event (`defaultAggregateMaxEvents`).
pub const AGGREGATE_MAX_EVENTS: usize = 10;

/// The longest gap between similar events that are still aggregated
/// (`defaultAggregateIntervalInSeconds`).
pub const AGGREGATE_INTERVAL: Millis = 600_000;

/// The prefix of a combined event's message (`EventAggregatorByReasonMessageFunc`).
pub const COMBINED: &str = "(combined from similar events): ";

/// How many events a source may send about an object at once (`defaultSpamBurst`).
pub const SPAM_BURST: f64 = 25.0;

/// How long the spam filter takes to allow one more event (`defaultSpamQPS`, 1/300).
pub const SPAM_REFILL: Millis = 300_000;

/// The delay before the retry after `failures` failed syncs in a row (`When`:
/// `baseDelay * 2^failures`, at most `maxDelay`).
pub fn retry_delay(failures: u32) -> Millis {
    if failures >= 20 {
        return RETRY_MAX;
    }
    (RETRY_BASE << failures).min(RETRY_MAX)
}

/// When the controller's syncs of a DaemonSet fail, from `from` to `until`.
///
/// `prompts` are the moments something makes the controller sync, in time order, each
/// with the refusal a sync gets from then until the next prompt (`None`: syncs succeed).
/// Returns each failed sync's time and refusal, prompted or retried.
pub fn failed_syncs<R>(
    prompts: &[(Millis, Option<R>)],
    from: Millis,
    until: Millis,
) -> Vec<(Millis, &R)> {
    syncs(prompts, from, until).0
}

/// When the work queue retries the DaemonSet next, after `until`: the retry of the last
/// failed sync up to then, if it failed; `None` when the last sync succeeded.
pub fn pending_retry<R>(prompts: &[(Millis, Option<R>)], until: Millis) -> Option<Millis> {
    syncs(prompts, until, until).1
}

/// The failed syncs from `from` to `until` (see [`failed_syncs`]), and the retry waiting
/// after `until`.
fn syncs<R>(
    prompts: &[(Millis, Option<R>)],
    from: Millis,
    until: Millis,
) -> (Vec<(Millis, &R)>, Option<Millis>) {
    let mut out = Vec::new();
    let mut next = 0;
    let mut failures = 0u32;
    let mut pending: Option<Millis> = None;
    let mut refusal: Option<&R> = None;
    loop {
        let prompt = prompts.get(next).map(|p| p.0);
        let (at, prompted) = match (prompt, pending) {
            (Some(p), Some(r)) if r < p => (r, false),
            (Some(p), _) => (p, true),
            (None, Some(r)) => (r, false),
            (None, None) => break,
        };
        if at > until {
            break;
        }
        if prompted {
            refusal = prompts[next].1.as_ref();
            next += 1;
        }
        // A retry due by now is this sync.
        pending = pending.filter(|r| *r > at);
        match refusal {
            Some(r) => {
                if at >= from {
                    out.push((at, r));
                }
                let retry = at.saturating_add(retry_delay(failures));
                failures = failures.saturating_add(1);
                pending = Some(pending.map_or(retry, |p| p.min(retry)));
            }
            None => {
                failures = 0;
                pending = None;
            }
        }
    }
    (out, pending)
}

/// One event the controller records, before the recorder correlates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    /// Session time.
    pub at: Millis,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    /// The reason.
    pub reason: &'static str,
    /// The message.
    pub message: String,
}

/// The similar events seen lately, for aggregation (`aggregateRecord`).
struct Similar {
    messages: BTreeSet<String>,
    last: Millis,
}

/// An event the recorder has counted (`eventLog`), and its row once sent.
struct Logged {
    count: u32,
    first: Millis,
    row: Option<usize>,
}

/// client-go's `EventCorrelator` over the events of one object from one source.
pub struct Correlator {
    from: String,
    similar: HashMap<(&'static str, &'static str), Similar>,
    logged: HashMap<(&'static str, &'static str, bool, String), Logged>,
    tokens: f64,
    refilled: Option<Millis>,
    rows: Vec<EventRow>,
}

impl Correlator {
    /// A recorder for the component `from` (`daemonset-controller`).
    pub fn new(from: &str) -> Self {
        Self {
            from: from.to_owned(),
            similar: HashMap::new(),
            logged: HashMap::new(),
            tokens: SPAM_BURST,
            refilled: None,
            rows: Vec::new(),
        }
    }

    /// The spam filter's token bucket (`TryAccept`): full at first, one token more every
    /// [`SPAM_REFILL`], at most [`SPAM_BURST`]; time is counted from the last event let
    /// through.
    fn accept(&mut self, at: Millis) -> bool {
        let elapsed = self.refilled.map_or(0, |last| (at - last).max(0));
        // Session times stay far below 2^53 milliseconds.
        #[allow(clippy::cast_precision_loss)]
        let refill = elapsed as f64 / SPAM_REFILL as f64;
        let tokens = (self.tokens + refill).min(SPAM_BURST);
        if tokens < 1.0 {
            return false;
        }
        self.tokens = tokens - 1.0;
        self.refilled = Some(at);
        true
    }

    /// Records one event (`EventCorrelate`: aggregate, count, filter), in time order.
    pub fn record(&mut self, event: Emitted) {
        let similar = self
            .similar
            .entry((event.type_, event.reason))
            .or_insert_with(|| Similar {
                messages: BTreeSet::new(),
                last: event.at,
            });
        if event.at - similar.last > AGGREGATE_INTERVAL {
            similar.messages.clear();
        }
        similar.messages.insert(event.message.clone());
        similar.last = event.at;
        let combined = similar.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combined {
            similar.messages.pop_first();
        }
        let (key, message) = if combined {
            (
                (event.type_, event.reason, true, String::new()),
                format!("{COMBINED}{}", event.message),
            )
        } else {
            (
                (event.type_, event.reason, false, event.message.clone()),
                event.message,
            )
        };
        let logged = self.logged.entry(key.clone()).or_insert(Logged {
            count: 0,
            first: event.at,
            row: None,
        });
        logged.count = logged.count.saturating_add(1);
        let (count, first, row) = (logged.count, logged.first, logged.row);
        if !self.accept(event.at) {
            return;
        }
        let updated = EventRow {
            type_: event.type_.to_owned(),
            reason: event.reason.to_owned(),
            first,
            last: event.at,
            count,
            from: self.from.clone(),
            message,
        };
        match row {
            Some(i) => self.rows[i] = updated,
            None => {
                if let Some(logged) = self.logged.get_mut(&key) {
                    logged.row = Some(self.rows.len());
                }
                self.rows.push(updated);
            }
        }
    }

    /// The events as the API server holds them.
    pub fn rows(self) -> Vec<EventRow> {
        self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_1000_seconds() {
        assert_eq!(retry_delay(0), 5);
        assert_eq!(retry_delay(1), 10);
        assert_eq!(retry_delay(17), 655_360);
        assert_eq!(retry_delay(18), RETRY_MAX);
        assert_eq!(retry_delay(64), RETRY_MAX);
        let prompts = [(0, Some("refused"))];
        let times: Vec<Millis> = failed_syncs(&prompts, 0, 3_000_000)
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        // 5 ms * (2^k - 1) for the first 19 syncs, then every 1000 s.
        assert_eq!(&times[..4], [0, 5, 15, 35]);
        assert_eq!(times[18], 5 * ((1 << 18) - 1));
        assert_eq!(times[19], times[18] + RETRY_MAX);
        assert_eq!(times.len(), 20);
    }

    #[test]
    fn a_prompt_syncs_at_once_and_a_success_forgets_the_failures() {
        // Failing from 0; a change at 1 s (still refused), fixed at 2 s, broken at 3 s.
        let prompts = [
            (0, Some("a")),
            (1000, Some("b")),
            (2000, None),
            (3000, Some("c")),
        ];
        let syncs = failed_syncs(&prompts, 0, 3010);
        let at: Vec<Millis> = syncs.iter().map(|(t, _)| *t).collect();
        // 0, 5, 15, 35, 75, 155, 315, 635; the change at 1000 is a sync of its own, and
        // the retry already waiting for 1275 keeps its time.
        assert_eq!(&at[..8], [0, 5, 15, 35, 75, 155, 315, 635]);
        assert_eq!(at[8], 1000);
        assert_eq!(*syncs[8].1, "b");
        assert_eq!(at[9], 1275);
        // After the success at 2000, the backoff starts over.
        let after: Vec<Millis> = at.iter().copied().filter(|t| *t >= 2000).collect();
        assert_eq!(after, [3000, 3005]);
    }

    #[test]
    fn the_pending_retry_follows_the_last_failed_sync() {
        let prompts = [(0, Some("a")), (2000, None), (3000, Some("c"))];
        // Failed at 0, 5, 15, ..., 635, 1275 ms: the next retry is at 2555 ms.
        assert_eq!(pending_retry(&prompts, 1000), Some(1275));
        assert_eq!(pending_retry(&prompts, 1275), Some(2555));
        // The success at 2000 forgets the failures: nothing is waiting.
        assert_eq!(pending_retry(&prompts, 2500), None);
        // Failing again from 3000: 5 ms later.
        assert_eq!(pending_retry(&prompts, 3000), Some(3005));
        assert_eq!(pending_retry::<&str>(&[(0, None)], 10), None);
    }

    fn emitted(at: Millis, n: usize) -> Emitted {
        Emitted {
            at,
            type_: "Warning",
            reason: "FailedCreate",
            message: format!("Error creating: pods \"x-{n}\" is forbidden"),
        }
    }

    #[test]
    fn similar_events_are_combined_from_the_tenth() {
        let mut c = Correlator::new("daemonset-controller");
        for n in 0..15 {
            c.record(emitted(i64::try_from(n).unwrap_or(0) * 1000, n));
        }
        let rows = c.rows();
        assert_eq!(rows.len(), 10);
        assert!(rows[..9].iter().all(|r| r.count == 1));
        let combined = &rows[9];
        assert_eq!(combined.count, 6);
        assert_eq!((combined.first, combined.last), (9000, 14_000));
        assert_eq!(
            combined.message,
            "(combined from similar events): Error creating: pods \"x-14\" is forbidden"
        );
        // More than ten minutes apart, events are not similar any more.
        let mut c = Correlator::new("daemonset-controller");
        for n in 0..12 {
            c.record(emitted(i64::try_from(n).unwrap_or(0) * 1_000_000, n));
        }
        assert!(c.rows().iter().all(|r| r.count == 1));
    }

    #[test]
    fn the_spam_filter_lets_25_through_then_one_every_five_minutes() {
        let mut c = Correlator::new("daemonset-controller");
        for n in 0..40 {
            c.record(Emitted {
                at: 0,
                type_: "Normal",
                reason: "SuccessfulCreate",
                message: format!("Created pod: x-{n}"),
            });
        }
        c.record(Emitted {
            at: SPAM_REFILL,
            type_: "Normal",
            reason: "SuccessfulCreate",
            message: "Created pod: x-40".into(),
        });
        let rows = c.rows();
        // 9 single events, and the combined one counting all it saw: 16 sent at 0, the
        // 15 held back, and the one sent five minutes later.
        assert_eq!(rows.len(), 10);
        assert_eq!(rows[9].count, 32);
        assert_eq!((rows[9].first, rows[9].last), (0, SPAM_REFILL));
    }
}
