//! The update strategy with the API server's defaults applied, and maxUnavailable and
//! maxSurge scaled to a number of nodes (`updatedDesiredNodeCounts`, `SurgeCount`,
//! `UnavailableCount`, `AllowsSurge` in `pkg/controller/daemon`).

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The update strategy of a DaemonSet, defaulted as `SetDefaults_DaemonSet` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// `OnDelete`: pods are replaced only when something else deletes them.
    OnDelete,
    /// `RollingUpdate` with its two limits (defaults: maxUnavailable 1, maxSurge 0).
    RollingUpdate {
        /// `maxUnavailable`.
        max_unavailable: IntOrString,
        /// `maxSurge`.
        max_surge: IntOrString,
    },
}

impl Strategy {
    /// The defaulted strategy of `ds`.
    pub fn of(ds: &DaemonSet) -> Self {
        let strategy = ds.spec.update_strategy.as_ref();
        if strategy.and_then(|s| s.type_.as_deref()) == Some("OnDelete") {
            return Self::OnDelete;
        }
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        Self::RollingUpdate {
            max_unavailable: rolling
                .and_then(|r| r.max_unavailable.clone())
                .unwrap_or(IntOrString::Int(1)),
            max_surge: rolling
                .and_then(|r| r.max_surge.clone())
                .unwrap_or(IntOrString::Int(0)),
        }
    }

    /// `maxSurge` and `maxUnavailable` scaled to `desired` nodes, as `rollingUpdate` uses
    /// them: percentages of desiredNumberScheduled rounded up; both zero with nodes to
    /// update means maxUnavailable 1. OnDelete has neither.
    pub fn limits(&self, desired: i64) -> Limits {
        match self {
            Self::OnDelete => Limits::default(),
            Self::RollingUpdate {
                max_unavailable,
                max_surge,
            } => {
                let mut limits = Limits {
                    max_surge: scaled(max_surge, desired),
                    max_unavailable: scaled(max_unavailable, desired),
                };
                if desired > 0 && limits.max_surge == 0 && limits.max_unavailable == 0 {
                    limits.max_unavailable = 1;
                }
                limits
            }
        }
    }

    /// `AllowsSurge`: manage keeps a second pod on a node only when maxSurge, scaled to one
    /// node, is above zero.
    pub fn allows_surge(&self) -> bool {
        matches!(self, Self::RollingUpdate { max_surge, .. } if scaled(max_surge, 1) > 0)
    }

    /// The strategy as a user would read it, e.g. `RollingUpdate (maxUnavailable 10%, maxSurge 0)`.
    pub fn describe(&self) -> String {
        match self {
            Self::OnDelete => "OnDelete".to_owned(),
            Self::RollingUpdate {
                max_unavailable,
                max_surge,
            } => format!(
                "RollingUpdate (maxUnavailable {}, maxSurge {})",
                show(max_unavailable),
                show(max_surge)
            ),
        }
    }
}

/// The two limits in nodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Nodes that may have an extra new pod at once.
    pub max_surge: i64,
    /// Nodes that may lack an available pod at once.
    pub max_unavailable: i64,
}

fn show(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)`. Values that are
/// neither an integer nor a percentage were refused by validation; they count as zero.
pub fn scaled(value: &IntOrString, total: i64) -> i64 {
    match value {
        IntOrString::Int(i) => i64::from(*i),
        IntOrString::String(s) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(0, |p| (p.saturating_mul(total) + 99).div_euclid(100)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rolling(mu: IntOrString, ms: IntOrString) -> Strategy {
        Strategy::RollingUpdate {
            max_unavailable: mu,
            max_surge: ms,
        }
    }
    fn pct(s: &str) -> IntOrString {
        IntOrString::String(s.to_owned())
    }

    /// `TestGetUnavailableNumbers` in `pkg/controller/daemon/update_test.go`.
    #[test]
    fn scaled_like_get_unavailable_numbers() {
        let cases = [
            (rolling(IntOrString::Int(0), IntOrString::Int(0)), 0, (0, 0)),
            (rolling(IntOrString::Int(1), IntOrString::Int(0)), 2, (0, 1)),
            (rolling(IntOrString::Int(0), IntOrString::Int(0)), 2, (0, 1)),
            (rolling(pct("50%"), IntOrString::Int(0)), 2, (0, 1)),
            (rolling(IntOrString::Int(0), pct("50%")), 2, (1, 0)),
            (rolling(IntOrString::Int(0), pct("100%")), 2, (2, 0)),
            (rolling(pct("50%"), IntOrString::Int(0)), 3, (0, 2)),
        ];
        for (strategy, desired, (surge, unavailable)) in cases {
            let limits = strategy.limits(desired);
            assert_eq!(
                (limits.max_surge, limits.max_unavailable),
                (surge, unavailable),
                "{strategy:?} over {desired}"
            );
        }
    }

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&pct("10%"), 5), 1);
        assert_eq!(scaled(&pct("10%"), 5000), 500);
        assert_eq!(scaled(&pct("0%"), 5000), 0);
        assert!(rolling(IntOrString::Int(0), pct("1%")).allows_surge());
        assert!(!Strategy::OnDelete.allows_surge());
    }
}
