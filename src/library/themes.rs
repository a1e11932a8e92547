//! Lesson themes (SPEC §4): a lesson belongs to the themes it names, else to
//! every theme one of whose keywords occurs in it as a run of whole words, else
//! to `other`. No stemming: a theme lists the word forms it wants.
//!
//! A build's themes are the config's, then any a lesson names, `other` last.

use std::collections::HashMap;

use crate::config::{OTHER_THEME, Theme};
use crate::content::{Incident, LessonInput};

use super::Lesson;
use super::ix::{IxVec, ThemeIx};

/// The themes of a build: the config's, then any theme a published lesson or factor names
/// that the config does not define (created in the order first named), before the
/// config's last theme (`other`).
pub(super) fn build_themes(
    config_themes: &[Theme],
    incidents: &[Incident],
) -> IxVec<ThemeIx, Theme> {
    let mut themes: Vec<Theme> = config_themes.to_vec();
    for incident in incidents {
        for lesson in incident
            .lessons
            .iter()
            .chain(&incident.contributing_factors)
        {
            for named in &lesson.themes {
                if !themes.iter().any(|t| t.key == named.value) {
                    let at = themes.len() - 1;
                    themes.insert(
                        at,
                        Theme {
                            key: named.value.clone(),
                            label: named.value.clone(),
                            keywords: Vec::new(),
                        },
                    );
                }
            }
        }
    }
    IxVec::from(themes)
}

/// Lessons or contributing factors with their themes: the themes each names, else
/// those its text matches.
pub(super) fn classify(
    written: &[LessonInput],
    themes: &IxVec<ThemeIx, Theme>,
    matcher: &Matcher,
) -> Vec<Lesson> {
    written
        .iter()
        .map(|l| Lesson {
            text: l.text.clone(),
            themes: if l.themes.is_empty() {
                matcher.classify(&l.text)
            } else {
                let mut named: Vec<ThemeIx> = l
                    .themes
                    .iter()
                    .filter_map(|t| themes.iter().position(|e| e.key == t.value))
                    .map(ThemeIx::new)
                    .collect();
                named.dedup();
                named
            },
        })
        .collect()
}

/// Splits text into lowercase words (runs of letters and digits).
pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Themes with their keywords split into words once, and indexed by their first
/// word, for matching many lessons.
#[derive(Debug, Clone)]
pub(super) struct Matcher {
    keys: Vec<String>,
    keywords: Vec<Vec<Vec<String>>>,
    /// For each first word of a keyword, the (theme, keyword) pairs that start with it.
    by_first_word: HashMap<String, Vec<(usize, usize)>>,
}

impl Matcher {
    /// Prepares the themes of the config (and any created ones).
    pub(super) fn new(themes: &[Theme]) -> Matcher {
        let keywords: Vec<Vec<Vec<String>>> = themes
            .iter()
            .map(|t| {
                t.keywords
                    .iter()
                    .map(|k| words(k))
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .collect();
        let mut by_first_word: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (theme, words) in keywords.iter().enumerate() {
            for (keyword, words) in words.iter().enumerate() {
                (by_first_word.entry(words[0].clone()).or_default()).push((theme, keyword));
            }
        }
        Matcher {
            keys: themes.iter().map(|t| t.key.clone()).collect(),
            keywords,
            by_first_word,
        }
    }

    /// The themes whose keywords occur in `text`, in theme order; `other` when none
    /// do.
    pub(super) fn classify(&self, text: &str) -> Vec<ThemeIx> {
        let text_words = words(text);
        let mut matched = vec![false; self.keywords.len()];
        for (at, word) in text_words.iter().enumerate() {
            let Some(starting) = self.by_first_word.get(word) else {
                continue;
            };
            for &(theme, keyword) in starting {
                if !matched[theme] && text_words[at..].starts_with(&self.keywords[theme][keyword]) {
                    matched[theme] = true;
                }
            }
        }
        let found: Vec<ThemeIx> = (matched.iter().enumerate())
            .filter(|&(_, &matched)| matched)
            .map(|(theme, _)| ThemeIx::new(theme))
            .collect();
        if found.is_empty() {
            self.keys
                .iter()
                .position(|k| k == OTHER_THEME)
                .map(ThemeIx::new)
                .into_iter()
                .collect()
        } else {
            found
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_themes;

    fn theme(key: &str, keywords: &[&str]) -> Theme {
        Theme {
            key: key.into(),
            label: key.into(),
            keywords: keywords.iter().map(|k| (*k).into()).collect(),
        }
    }

    #[test]
    fn the_index_by_first_word_finds_what_a_scan_of_every_keyword_finds() {
        // Keywords that share a first word, repeat one, or are a prefix of another.
        let mut themes = default_themes();
        themes.push(theme("x", &["rollback plan", "rollback", "plan b", "b"]));
        themes.push(theme("y", &["rollback plan tested", "b plan"]));
        let m = Matcher::new(&themes);
        let scan = |text: &str| -> Vec<usize> {
            let text_words = words(text);
            (m.keywords.iter().enumerate())
                .filter(|(_, keywords)| {
                    keywords
                        .iter()
                        .any(|k| (text_words.windows(k.len())).any(|window| window == k.as_slice()))
                })
                .map(|(i, _)| i)
                .collect()
        };
        let texts = [
            "A rollback plan tested in staging, then plan B.",
            "b b plan rollback",
            "Page the on-call engineer before the alert fires; rehearse the runbook.",
            "Capacity: the disk filled during the canary, so the rollout paused.",
            "rollback plan",
            "",
            "Ünïcode wörds and DNS 故障",
        ];
        for text in texts {
            let found: Vec<usize> = m.classify(text).into_iter().map(ThemeIx::index).collect();
            let mut expected = scan(text);
            if expected.is_empty() {
                expected.extend(themes.iter().position(|t| t.key == OTHER_THEME));
            }
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let themes = [
            theme("monitoring", &["alert"]),
            theme("people", &["on-call", "game day"]),
            theme("other", &[]),
        ];
        let m = Matcher::new(&themes);
        let classify = |text: &str| -> Vec<usize> {
            m.classify(text).into_iter().map(ThemeIx::index).collect()
        };
        assert_eq!(classify("Alert on latency."), [0]);
        assert_eq!(classify("Alerting was late."), [2]);
        assert_eq!(classify("The on call rota and a Game-Day"), [1]);
        assert_eq!(classify("alert the on-call person"), [0, 1]);
        assert_eq!(classify("nothing here"), [2]);
    }

    #[test]
    fn default_themes_place_typical_lessons() {
        let mut themes = default_themes();
        themes.push(theme("other", &[]));
        let m = Matcher::new(&themes);
        let keys = |text: &str| -> Vec<String> {
            m.classify(text)
                .into_iter()
                .map(|i| themes[i.index()].key.clone())
                .collect()
        };
        assert_eq!(
            keys("Give every workload a liveness probe."),
            ["health-checks"]
        );
        assert!(keys("Alert on API server response times.").contains(&"monitoring".to_string()));
        assert!(keys("Set ndots to reduce DNS lookups").contains(&"networking".to_string()));
    }

    #[test]
    fn words_keep_any_script() {
        assert_eq!(words("DNS 故障, on-call!"), ["dns", "故障", "on", "call"]);
    }
}
