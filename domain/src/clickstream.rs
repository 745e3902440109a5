//! The 3D viewer's clickstream: what shoppers do with a product's 3D view
//! (open it, turn it, zoom, which levels of detail reached them and when,
//! how long the first frame took), sent by the product page in small
//! batches and kept for analysis (Kinesis in production, the database
//! locally).
//!
//! Nothing here identifies a person: a batch names a page view by a random
//! id the page makes up, never a session, account or address.

use crate::Slug;
use serde::{Deserialize, Serialize};

/// Where pages post their batches.
pub const ENDPOINT: &str = "/api/v1/viewer-events";
/// Most events one batch may carry (the page sends far fewer).
pub const MAX_BATCH_EVENTS: usize = 50;
/// Largest accepted request body, in bytes.
pub const MAX_BATCH_BYTES: usize = 16 * 1024;
/// Times are milliseconds since the page's navigation; a page open longer
/// than a day is not believed.
const MAX_PAGE_MS: u64 = 24 * 60 * 60 * 1000;
/// Levels of detail are indexed 0 (finest) up; manifests have a handful.
const MAX_LEVEL: u8 = 31;
/// No level of detail is larger than this (the upload limit is far lower).
const MAX_LEVEL_BYTES: u64 = 1 << 30;
/// Error messages are cut to this many characters.
const MAX_MESSAGE_CHARS: usize = 200;

/// What happened in the 3D view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewerEventKind {
    /// The 3D view started on a product page.
    View,
    /// The shopper turned the model (one per drag or key press run).
    Rotate,
    /// The shopper zoomed (one per wheel or pinch run).
    Zoom,
    /// A level of detail appeared (`level`, `bytes`, `triangles`).
    LodShown,
    /// The first frame with the model drawn (`ms` since navigation).
    FirstFrame,
    /// The viewer could not show the model (`message`).
    Error,
}

impl ViewerEventKind {
    pub const ALL: [ViewerEventKind; 6] = [
        Self::View,
        Self::Rotate,
        Self::Zoom,
        Self::LodShown,
        Self::FirstFrame,
        Self::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Rotate => "rotate",
            Self::Zoom => "zoom",
            Self::LodShown => "lod_shown",
            Self::FirstFrame => "first_frame",
            Self::Error => "error",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A batch as the page sends it: one page view of one product.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBatch {
    /// A random id the page made up for this page view.
    pub page_view: String,
    /// The product's slug.
    pub product: String,
    pub events: Vec<SentEvent>,
}

/// One event as sent; which fields it needs depends on its kind.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SentEvent {
    /// `view`, `rotate`, `zoom`, `lod_shown` (with `level`, `bytes` and
    /// `triangles`), `first_frame` or `error` (with `message`).
    pub kind: String,
    /// When it happened, in milliseconds since navigation.
    pub at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triangles: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// An accepted event, as the sinks keep it (one JSON object per event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewerEvent {
    pub page_view: String,
    pub product: Slug,
    pub kind: ViewerEventKind,
    /// Milliseconds since the page's navigation.
    pub at_ms: u64,
    /// When the server received it, in Unix milliseconds.
    pub received_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triangles: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why a batch was refused: said to the sender as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("a batch holds 1 to {MAX_BATCH_EVENTS} events; this one has {0}")]
    Size(usize),
    #[error("page_view must be 8 to 64 letters, digits or dashes")]
    PageView,
    #[error("product {0:?} is not a product slug")]
    Product(String),
    #[error(
        "event {index}: unknown kind {kind:?} (known: view, rotate, zoom, lod_shown, first_frame, error)"
    )]
    Kind { index: usize, kind: String },
    #[error("event {index}: at_ms must be under a day ({MAX_PAGE_MS} ms)")]
    Time { index: usize },
    #[error(
        "event {index}: lod_shown needs level (0 to {MAX_LEVEL}), bytes (at most 1 GiB) and triangles"
    )]
    Level { index: usize },
    #[error("event {index}: {kind} takes no level, bytes, triangles or message")]
    Extra { index: usize, kind: &'static str },
}

impl EventBatch {
    /// Checks every event and stamps them with the time they arrived; all
    /// or nothing, so a sender with a bug hears about it.
    pub fn accept(self, received_at_ms: i64) -> Result<Vec<ViewerEvent>, BatchError> {
        if self.events.is_empty() || self.events.len() > MAX_BATCH_EVENTS {
            return Err(BatchError::Size(self.events.len()));
        }
        let id_ok = (8..=64).contains(&self.page_view.len())
            && self
                .page_view
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok {
            return Err(BatchError::PageView);
        }
        let product = Slug::parse(&self.product).map_err(|_| BatchError::Product(self.product))?;
        self.events
            .into_iter()
            .enumerate()
            .map(|(index, event)| {
                let kind = ViewerEventKind::parse(&event.kind).ok_or_else(|| BatchError::Kind {
                    index,
                    kind: event.kind.chars().take(40).collect(),
                })?;
                if event.at_ms >= MAX_PAGE_MS {
                    return Err(BatchError::Time { index });
                }
                let measures = (event.level, event.bytes, event.triangles);
                let message = match kind {
                    ViewerEventKind::LodShown => {
                        let good = matches!(measures,
                            (Some(level), Some(bytes), Some(_)) if level <= MAX_LEVEL && bytes <= MAX_LEVEL_BYTES);
                        if !good || event.message.is_some() {
                            return Err(BatchError::Level { index });
                        }
                        None
                    }
                    ViewerEventKind::Error if measures == (None, None, None) => event
                        .message
                        .map(|m| m.chars().take(MAX_MESSAGE_CHARS).collect::<String>()),
                    _ if measures == (None, None, None) && event.message.is_none() => None,
                    _ => {
                        return Err(BatchError::Extra {
                            index,
                            kind: kind.as_str(),
                        });
                    }
                };
                Ok(ViewerEvent {
                    page_view: self.page_view.clone(),
                    product: product.clone(),
                    kind,
                    at_ms: event.at_ms,
                    received_at_ms,
                    level: event.level,
                    bytes: event.bytes,
                    triangles: event.triangles,
                    message,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, at_ms: u64) -> SentEvent {
        SentEvent {
            kind: kind.into(),
            at_ms,
            ..SentEvent::default()
        }
    }

    fn batch(events: Vec<SentEvent>) -> EventBatch {
        EventBatch {
            page_view: "pv-4f9a1c2e".into(),
            product: "sheen-chair".into(),
            events,
        }
    }

    #[test]
    fn a_page_views_events_are_stamped_and_kept_in_order() {
        let level = SentEvent {
            level: Some(3),
            bytes: Some(41_000),
            triangles: Some(1_200),
            ..event("lod_shown", 900)
        };
        let accepted = batch(vec![event("view", 120), level, event("first_frame", 950)])
            .accept(1_700_000_000_000)
            .unwrap();
        let kinds: Vec<_> = accepted.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                ViewerEventKind::View,
                ViewerEventKind::LodShown,
                ViewerEventKind::FirstFrame
            ]
        );
        assert!(
            accepted
                .iter()
                .all(|e| e.received_at_ms == 1_700_000_000_000
                    && e.product.as_str() == "sheen-chair"
                    && e.page_view == "pv-4f9a1c2e")
        );
        assert_eq!(accepted[1].level, Some(3));
        assert_eq!(accepted[1].bytes, Some(41_000));
    }

    #[test]
    fn batches_must_hold_one_to_fifty_events() {
        assert_eq!(batch(vec![]).accept(0), Err(BatchError::Size(0)));
        let many = vec![event("rotate", 1); MAX_BATCH_EVENTS + 1];
        assert_eq!(batch(many).accept(0), Err(BatchError::Size(51)));
        let most = vec![event("rotate", 1); MAX_BATCH_EVENTS];
        assert_eq!(batch(most).accept(0).unwrap().len(), MAX_BATCH_EVENTS);
    }

    #[test]
    fn page_view_ids_and_products_are_checked() {
        let mut short = batch(vec![event("view", 1)]);
        short.page_view = "abc".into();
        assert_eq!(short.accept(0), Err(BatchError::PageView));
        let mut odd = batch(vec![event("view", 1)]);
        odd.page_view = "abcdefgh<script>".into();
        assert_eq!(odd.accept(0), Err(BatchError::PageView));
        let mut product = batch(vec![event("view", 1)]);
        product.product = "Not A Slug".into();
        assert_eq!(
            product.accept(0),
            Err(BatchError::Product("Not A Slug".into()))
        );
    }

    #[test]
    fn each_kind_carries_exactly_its_fields() {
        let unknown = batch(vec![event("view", 1), event("purchase", 2)]).accept(0);
        assert_eq!(
            unknown,
            Err(BatchError::Kind {
                index: 1,
                kind: "purchase".into()
            })
        );
        let bare_level = batch(vec![event("lod_shown", 5)]).accept(0);
        assert_eq!(bare_level, Err(BatchError::Level { index: 0 }));
        let deep = SentEvent {
            level: Some(40),
            bytes: Some(1),
            triangles: Some(1),
            ..event("lod_shown", 5)
        };
        assert_eq!(
            batch(vec![deep]).accept(0),
            Err(BatchError::Level { index: 0 })
        );
        let rotate_with_bytes = SentEvent {
            bytes: Some(10),
            ..event("rotate", 5)
        };
        assert_eq!(
            batch(vec![rotate_with_bytes]).accept(0),
            Err(BatchError::Extra {
                index: 0,
                kind: "rotate"
            })
        );
        let late = batch(vec![event("zoom", MAX_PAGE_MS)]).accept(0);
        assert_eq!(late, Err(BatchError::Time { index: 0 }));
    }

    #[test]
    fn error_messages_are_kept_short() {
        let error = SentEvent {
            message: Some("x".repeat(500)),
            ..event("error", 5)
        };
        let accepted = batch(vec![error]).accept(0).unwrap();
        assert_eq!(
            accepted[0].message.as_ref().unwrap().len(),
            MAX_MESSAGE_CHARS
        );
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in ViewerEventKind::ALL {
            assert_eq!(ViewerEventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
        }
    }
}
