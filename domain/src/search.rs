//! Search queries: what a shopper typed, reduced to plain words so nothing
//! they type can reach the databases' query syntax.

use serde::{Deserialize, Serialize};

pub const MAX_QUERY_CHARS: usize = 100;
const MAX_WORDS: usize = 8;

/// Words to find, lower-cased; each also matches as a prefix ("sof" finds "sofa").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("type what you are looking for")]
    Empty,
    #[error("a search can be at most {MAX_QUERY_CHARS} characters")]
    TooLong,
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, SearchError> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(SearchError::TooLong);
        }
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .take(MAX_WORDS)
            .collect();
        if words.is_empty() {
            return Err(SearchError::Empty);
        }
        Ok(Self { words })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// SQLite FTS5 `MATCH` expression: every word, as a quoted prefix.
    pub fn fts5_match(&self) -> String {
        self.words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// PostgreSQL `to_tsquery` expression: every word, as a prefix.
    pub fn tsquery(&self) -> String {
        self.words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_words() {
        let q = SearchQuery::parse("  Velvet SOFA, navy!! ").unwrap();
        assert_eq!(q.words(), ["velvet", "sofa", "navy"]);
        assert_eq!(q.fts5_match(), r#""velvet"* "sofa"* "navy"*"#);
        assert_eq!(q.tsquery(), "velvet:* & sofa:* & navy:*");
    }

    #[test]
    fn query_syntax_and_markup_become_plain_words() {
        let q = SearchQuery::parse(r#"chair" OR title:* <script>alert(1)</script> & !x"#).unwrap();
        for word in q.words() {
            assert!(word.chars().all(char::is_alphanumeric), "{word}");
        }
        assert!(!q.fts5_match().contains("OR\""));
    }

    #[test]
    fn refuses_empty_and_overlong_queries() {
        assert_eq!(SearchQuery::parse("  ?! "), Err(SearchError::Empty));
        assert_eq!(
            SearchQuery::parse(&"a".repeat(101)),
            Err(SearchError::TooLong)
        );
        assert_eq!(
            SearchQuery::parse(&"word ".repeat(20))
                .unwrap()
                .words()
                .len(),
            8
        );
    }

    #[test]
    fn keeps_non_ascii_letters() {
        assert_eq!(SearchQuery::parse("Canapé").unwrap().words(), ["canapé"]);
    }
}
