//! The admin's 3D page: what an upload reports while the server works on it,
//! and the table of a model's levels of detail. Shared by the server (which
//! streams [`UploadEvent`]s as server-sent events) and the page (which reads
//! them with [`EventStreamReader`] and shows the stages as they pass).

use crate::viewer::ModelManifest;
use serde::{Deserialize, Serialize};

/// The steps of turning an uploaded GLB into a product's model, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    /// Every byte arrived (the browser measures the bytes on the way).
    Received,
    Checking,
    BuildingLevels,
    RenderingPoster,
    Storing,
}

impl ImportStage {
    pub const ALL: [ImportStage; 5] = [
        Self::Received,
        Self::Checking,
        Self::BuildingLevels,
        Self::RenderingPoster,
        Self::Storing,
    ];

    /// What the page shows while the stage runs.
    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "Upload received",
            Self::Checking => "Checking the model",
            Self::BuildingLevels => "Building its levels of detail",
            Self::RenderingPoster => "Rendering its poster",
            Self::Storing => "Storing it",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Checking => "checking",
            Self::BuildingLevels => "building_levels",
            Self::RenderingPoster => "rendering_poster",
            Self::Storing => "storing",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Position in [`Self::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// One server-sent event of an upload (`Accept: text/event-stream`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum UploadEvent {
    /// A stage started.
    Stage(ImportStage),
    /// The model is the product's now: its levels, finest first.
    Done { levels: usize, bytes: u64 },
    /// Nothing changed: the product keeps its previous model. `status` is
    /// the HTTP status the same refusal gets without streaming.
    Failed { status: u16, message: String },
}

impl UploadEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Stage(_) => "stage",
            Self::Done { .. } => "done",
            Self::Failed { .. } => "failed",
        }
    }

    /// The SSE `data:` line (JSON, one line).
    pub fn data(&self) -> String {
        let value = match self {
            Self::Stage(stage) => serde_json::json!({
                "stage": stage.as_str(),
                "label": stage.label(),
            }),
            Self::Done { levels, bytes } => serde_json::json!({ "levels": levels, "bytes": bytes }),
            Self::Failed { status, message } => {
                serde_json::json!({ "status": status, "error": message })
            }
        };
        value.to_string()
    }

    /// Reads back an event that [`Self::name`] and [`Self::data`] wrote.
    pub fn parse(name: &str, data: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(data).ok()?;
        match name {
            "stage" => ImportStage::parse(value["stage"].as_str()?).map(Self::Stage),
            "done" => Some(Self::Done {
                levels: value["levels"].as_u64()? as usize,
                bytes: value["bytes"].as_u64()?,
            }),
            "failed" => Some(Self::Failed {
                status: value["status"].as_u64()? as u16,
                message: value["error"].as_str()?.to_string(),
            }),
            _ => None,
        }
    }
}

/// Reads a `text/event-stream` body as it grows (an XHR's `responseText`
/// holds everything received so far): each call returns the events that
/// completed since the last one.
#[derive(Debug, Default)]
pub struct EventStreamReader {
    consumed: usize,
}

impl EventStreamReader {
    /// `(event name, data)` pairs newly complete in `body`; comments and
    /// events without data are skipped, an unnamed event is `message`.
    pub fn read(&mut self, body: &str) -> Vec<(String, String)> {
        let mut events = Vec::new();
        let Some(fresh) = body.get(self.consumed..) else {
            return events;
        };
        let normalised = fresh.replace("\r\n", "\n");
        let mut used = 0;
        // Only whole events (ending in a blank line) are read.
        while let Some(end) = normalised[used..].find("\n\n") {
            let block = &normalised[used..used + end];
            used += end + 2;
            let mut name = String::from("message");
            let mut data: Vec<&str> = Vec::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim().to_string();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            if !data.is_empty() {
                events.push((name, data.join("\n")));
            }
        }
        // Map the normalised length back to the raw body's.
        self.consumed += raw_length(fresh, used);
        events
    }
}

/// How many bytes of `raw` make `normalised_len` bytes once `\r\n` became `\n`.
fn raw_length(raw: &str, normalised_len: usize) -> usize {
    let mut seen = 0;
    let bytes = raw.as_bytes();
    let mut i = 0;
    while seen < normalised_len && i < bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 2;
        } else {
            i += 1;
        }
        seen += 1;
    }
    i
}

/// One row of the 3D page's level table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelRow {
    /// 0 is the finest.
    pub index: usize,
    pub triangles: u64,
    pub bytes: u64,
    /// Longest texture edge in pixels (0 without textures).
    pub max_texture_edge: u32,
    /// In model units.
    pub geometric_error: f32,
    /// The error as a share of the model's bounding-box diagonal, in percent:
    /// comparable across models of any size.
    pub error_percent: f32,
    /// Triangles as a share of level 0's, in percent.
    pub triangles_percent: f32,
}

/// The level table of a manifest, finest first.
pub fn level_rows(manifest: &ModelManifest) -> Vec<LevelRow> {
    let diagonal = manifest
        .bounds_min
        .iter()
        .zip(manifest.bounds_max)
        .map(|(lo, hi)| (hi - lo) * (hi - lo))
        .sum::<f32>()
        .sqrt();
    let finest = manifest.levels.first().map_or(0, |l| l.triangles);
    let percent = |part: f64, whole: f64| {
        if whole > 0.0 {
            (part / whole * 100.0) as f32
        } else {
            0.0
        }
    };
    manifest
        .levels
        .iter()
        .enumerate()
        .map(|(index, level)| LevelRow {
            index,
            triangles: level.triangles,
            bytes: level.bytes,
            max_texture_edge: level.max_texture_edge,
            geometric_error: level.geometric_error,
            error_percent: percent(f64::from(level.geometric_error), f64::from(diagonal)),
            triangles_percent: percent(level.triangles as f64, finest as f64),
        })
        .collect()
}

/// Bytes for people: `812 B`, `48.2 KB`, `3.1 MB` (decimal units, as
/// browsers and file managers show file sizes).
pub fn format_bytes(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viewer::ModelLevel;

    #[test]
    fn stages_round_trip_through_their_names() {
        for stage in ImportStage::ALL {
            assert_eq!(ImportStage::parse(stage.as_str()), Some(stage));
            assert_eq!(ImportStage::ALL[stage.index()], stage);
        }
        assert_eq!(ImportStage::parse("nonsense"), None);
    }

    #[test]
    fn events_round_trip_through_sse_fields() {
        let events = [
            UploadEvent::Stage(ImportStage::BuildingLevels),
            UploadEvent::Done {
                levels: 5,
                bytes: 1_234_567,
            },
            UploadEvent::Failed {
                status: 422,
                message: "the model was not accepted: \"quoted\"\nand two lines".into(),
            },
        ];
        for event in events {
            let data = event.data();
            assert!(!data.contains('\n'), "SSE data must be one line: {data}");
            assert_eq!(UploadEvent::parse(event.name(), &data), Some(event));
        }
        assert_eq!(UploadEvent::parse("stage", "not json"), None);
        assert_eq!(UploadEvent::parse("other", "{}"), None);
    }

    #[test]
    fn the_reader_returns_each_event_once_as_the_body_grows() {
        let mut reader = EventStreamReader::default();
        let mut body = String::from(": keep-alive\n\nevent: stage\ndata: {\"stage\":");
        assert!(reader.read(&body).is_empty(), "half an event waits");
        body.push_str("\"checking\"}\n\n");
        assert_eq!(
            reader.read(&body),
            vec![("stage".to_string(), "{\"stage\":\"checking\"}".to_string())]
        );
        assert!(reader.read(&body).is_empty(), "nothing new");
        body.push_str("data: a\ndata: b\n\nevent: done\r\ndata: {}\r\n\r\n");
        assert_eq!(
            reader.read(&body),
            vec![
                ("message".to_string(), "a\nb".to_string()),
                ("done".to_string(), "{}".to_string())
            ]
        );
        assert!(reader.read(&body).is_empty());
    }

    fn manifest() -> ModelManifest {
        let level = |triangles, geometric_error| ModelLevel {
            file: "x.glb".into(),
            bytes: triangles * 10,
            triangles,
            max_texture_edge: 512,
            geometric_error,
        };
        ModelManifest {
            levels: vec![level(1000, 0.0), level(250, 0.03), level(50, 0.3)],
            bounds_min: [0.0, 0.0, 0.0],
            bounds_max: [3.0, 0.0, 4.0],
            material_variants: vec![],
            poster: None,
        }
    }

    #[test]
    fn level_rows_relate_each_level_to_the_model() {
        let rows = level_rows(&manifest());
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].triangles_percent, 100.0);
        assert_eq!(rows[1].triangles_percent, 25.0);
        // The diagonal is 5: an error of 0.3 is 6 % of it.
        assert!((rows[2].error_percent - 6.0).abs() < 1e-4);
        assert_eq!(rows[0].error_percent, 0.0);
        assert_eq!(rows[2].index, 2);
    }

    #[test]
    fn a_flat_or_empty_model_has_no_division_by_zero() {
        let mut flat = manifest();
        flat.bounds_max = [0.0; 3];
        assert!(level_rows(&flat).iter().all(|r| r.error_percent == 0.0));
        flat.levels[0].triangles = 0;
        assert_eq!(level_rows(&flat)[1].triangles_percent, 0.0);
    }

    #[test]
    fn bytes_read_like_file_sizes() {
        assert_eq!(format_bytes(812), "812 B");
        assert_eq!(format_bytes(48_200), "48.2 KB");
        assert_eq!(format_bytes(3_100_000), "3.1 MB");
    }
}
