//! The viewer's clickstream on its way to its sink: pages post small batches
//! (`POST /api/v1/viewer-events`), which wait here, in memory, and are sent
//! on in batches of up to [`SEND_BATCH`] at least every flush interval, so
//! the sink (Kinesis, or the database locally) sees few large writes
//! rather than one per shopper.
//!
//! It is analytics, not orders: a bounded buffer, so a sink that is down
//! costs memory only up to [`CAPACITY`] events; beyond that new batches are
//! refused (503) and counted. What is waiting when the server stops is sent
//! before it exits. Delivery is at least once: each event carries its page
//! view and time, so a consumer can drop repeats.
//!
//! Each event also feeds `/metrics`: time to first frame and the levels of
//! detail shoppers' browsers fetched (in production the CDN serves those,
//! so the server sees them only this way).

use crate::observability::{Histogram, MetricSource};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;
use vitrine_domain::clickstream::{ViewerEvent, ViewerEventKind};
use vitrine_domain::store::ClickstreamSink;

/// Most events held while they wait for the sink.
pub const CAPACITY: usize = 20_000;
/// Most events in one write to the sink (Kinesis takes at most 500).
pub const SEND_BATCH: usize = 500;
/// Seconds to the first frame, for the histogram's buckets.
const FIRST_FRAME_BUCKETS: [f64; 11] = [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 40.0];

/// The buffer was full: the batch was not taken.
#[derive(Debug, thiserror::Error)]
#[error("too many viewer events are waiting to be stored; try again later")]
pub struct Full;

pub struct Clickstream {
    sink: Arc<dyn ClickstreamSink>,
    flush_every: Duration,
    waiting: Mutex<Vec<ViewerEvent>>,
    /// Woken when a full batch is waiting.
    ready: Notify,
    /// Held while a flush writes to the sink: one at a time.
    sending: tokio::sync::Mutex<()>,
    figures: Mutex<Figures>,
    accepted: AtomicU64,
    refused: AtomicU64,
    sent: AtomicU64,
    send_failures: AtomicU64,
}

/// What the events say, for `/metrics`.
struct Figures {
    first_frame: Histogram,
    /// Level index → (times shown, bytes).
    levels: BTreeMap<u8, (u64, u64)>,
    kinds: BTreeMap<&'static str, u64>,
}

impl Clickstream {
    pub fn new(sink: Arc<dyn ClickstreamSink>, flush_every: Duration) -> Arc<Self> {
        Arc::new(Self {
            sink,
            flush_every,
            waiting: Mutex::new(Vec::new()),
            ready: Notify::new(),
            sending: tokio::sync::Mutex::new(()),
            figures: Mutex::new(Figures {
                first_frame: Histogram::new(&FIRST_FRAME_BUCKETS),
                levels: BTreeMap::new(),
                kinds: BTreeMap::new(),
            }),
            accepted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            send_failures: AtomicU64::new(0),
        })
    }

    /// Takes a page's checked events, all or none.
    pub fn accept(&self, events: Vec<ViewerEvent>) -> Result<(), Full> {
        let count = events.len();
        {
            let mut waiting = self.waiting.lock().expect("clickstream lock");
            if waiting.len() + count > CAPACITY {
                drop(waiting);
                self.refused.fetch_add(count as u64, Ordering::Relaxed);
                return Err(Full);
            }
            let mut figures = self.figures.lock().expect("clickstream lock");
            for event in &events {
                figures.count(event);
            }
            waiting.extend(events);
            if waiting.len() >= SEND_BATCH {
                self.ready.notify_one();
            }
        }
        self.accepted.fetch_add(count as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Sends what is waiting, every flush interval or as soon as a full
    /// batch waits, for as long as the server runs.
    pub async fn run(self: Arc<Self>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(self.flush_every) => {}
                _ = self.ready.notified() => {}
            }
            if !self.flush().await {
                // The sink is failing: wait a little before trying again
                // (the events wait too, up to the buffer's capacity).
                tokio::time::sleep(self.flush_every.max(Duration::from_secs(1))).await;
            }
        }
    }

    /// Sends everything waiting, in batches; `false` if the sink failed
    /// (what it did not take waits for the next try). Events leave the
    /// buffer only once the sink has them, so a flush cut short (the server
    /// stopping) loses nothing; at worst a batch is sent twice.
    pub async fn flush(&self) -> bool {
        let _one_at_a_time = self.sending.lock().await;
        loop {
            let batch: Vec<ViewerEvent> = {
                let waiting = self.waiting.lock().expect("clickstream lock");
                waiting.iter().take(SEND_BATCH).cloned().collect()
            };
            if batch.is_empty() {
                return true;
            }
            if let Err(e) = self.sink.put(&batch).await {
                self.send_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, events = batch.len(), "could not store viewer events; will retry");
                return false;
            }
            self.waiting
                .lock()
                .expect("clickstream lock")
                .drain(..batch.len());
            self.sent.fetch_add(batch.len() as u64, Ordering::Relaxed);
        }
    }

    /// Events taken but not yet stored.
    pub fn waiting(&self) -> usize {
        self.waiting.lock().expect("clickstream lock").len()
    }
}

impl Figures {
    fn count(&mut self, event: &ViewerEvent) {
        *self.kinds.entry(event.kind.as_str()).or_default() += 1;
        match event.kind {
            ViewerEventKind::FirstFrame => self.first_frame.observe(event.at_ms as f64 / 1000.0),
            ViewerEventKind::LodShown => {
                if let Some(level) = event.level {
                    let shown = self.levels.entry(level).or_default();
                    shown.0 += 1;
                    shown.1 += event.bytes.unwrap_or(0);
                }
            }
            _ => {}
        }
    }
}

impl MetricSource for Clickstream {
    fn render(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "# HELP vitrine_clickstream_events_total Viewer events taken from pages, refused (buffer full) and stored in the sink.\n\
             # TYPE vitrine_clickstream_events_total counter\n\
             vitrine_clickstream_events_total{{outcome=\"accepted\"}} {}\n\
             vitrine_clickstream_events_total{{outcome=\"refused\"}} {}\n\
             vitrine_clickstream_events_total{{outcome=\"stored\"}} {}\n\
             # HELP vitrine_clickstream_waiting Viewer events waiting for the sink.\n\
             # TYPE vitrine_clickstream_waiting gauge\n\
             vitrine_clickstream_waiting {}\n\
             # HELP vitrine_clickstream_send_failures_total Writes to the clickstream sink that failed (and were retried).\n\
             # TYPE vitrine_clickstream_send_failures_total counter\n\
             vitrine_clickstream_send_failures_total {}",
            self.accepted.load(Ordering::Relaxed),
            self.refused.load(Ordering::Relaxed),
            self.sent.load(Ordering::Relaxed),
            self.waiting(),
            self.send_failures.load(Ordering::Relaxed),
        );
        let figures = self.figures.lock().expect("clickstream lock");
        let _ = writeln!(
            out,
            "# HELP vitrine_viewer_events_total Viewer events by kind.\n\
             # TYPE vitrine_viewer_events_total counter"
        );
        for (kind, n) in &figures.kinds {
            let _ = writeln!(out, "vitrine_viewer_events_total{{kind=\"{kind}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP vitrine_viewer_first_frame_seconds Time from navigation to the 3D view's first frame, as browsers report it.\n\
             # TYPE vitrine_viewer_first_frame_seconds histogram"
        );
        figures
            .first_frame
            .render(out, "vitrine_viewer_first_frame_seconds", "");
        let _ = writeln!(
            out,
            "# HELP vitrine_viewer_levels_shown_total Levels of detail shown in browsers, by level (0 is the finest).\n\
             # TYPE vitrine_viewer_levels_shown_total counter"
        );
        for (level, (shown, _)) in &figures.levels {
            let _ = writeln!(
                out,
                "vitrine_viewer_levels_shown_total{{level=\"{level}\"}} {shown}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP vitrine_viewer_level_bytes_total Bytes of the levels of detail browsers fetched (from the CDN in production), by level.\n\
             # TYPE vitrine_viewer_level_bytes_total counter"
        );
        for (level, (_, bytes)) in &figures.levels {
            let _ = writeln!(
                out,
                "vitrine_viewer_level_bytes_total{{level=\"{level}\"}} {bytes}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::atomic::AtomicBool;
    use vitrine_domain::Slug;
    use vitrine_domain::store::StoreError;

    /// A sink that keeps what it is given, or fails while told to.
    #[derive(Default)]
    struct Kept {
        events: Mutex<Vec<ViewerEvent>>,
        batches: Mutex<Vec<usize>>,
        failing: AtomicBool,
    }

    #[async_trait]
    impl ClickstreamSink for Kept {
        async fn put(&self, events: &[ViewerEvent]) -> Result<(), StoreError> {
            if self.failing.load(Ordering::SeqCst) {
                return Err(StoreError("the stream is down".into()));
            }
            self.batches.lock().unwrap().push(events.len());
            self.events.lock().unwrap().extend_from_slice(events);
            Ok(())
        }
    }

    fn event(kind: ViewerEventKind, at_ms: u64) -> ViewerEvent {
        ViewerEvent {
            page_view: "pv-12345678".into(),
            product: Slug::parse("lamp").unwrap(),
            kind,
            at_ms,
            received_at_ms: 0,
            level: (kind == ViewerEventKind::LodShown).then_some(2),
            bytes: (kind == ViewerEventKind::LodShown).then_some(4_096),
            triangles: (kind == ViewerEventKind::LodShown).then_some(100),
            message: None,
        }
    }

    #[tokio::test]
    async fn events_are_sent_in_batches_of_at_most_five_hundred_in_order() {
        let sink = Arc::new(Kept::default());
        let stream = Clickstream::new(sink.clone(), Duration::from_secs(1));
        for n in 0..25 {
            let batch = (0..50)
                .map(|i| event(ViewerEventKind::Rotate, n * 50 + i))
                .collect();
            stream.accept(batch).unwrap();
        }
        assert!(stream.flush().await);
        assert_eq!(*sink.batches.lock().unwrap(), [500, 500, 250]);
        let order: Vec<u64> = sink
            .events
            .lock()
            .unwrap()
            .iter()
            .map(|e| e.at_ms)
            .collect();
        assert_eq!(order, (0..1250).collect::<Vec<_>>());
        assert_eq!(stream.waiting(), 0);
    }

    #[tokio::test]
    async fn a_failing_sink_keeps_events_waiting_then_refuses_beyond_capacity() {
        let sink = Arc::new(Kept::default());
        sink.failing.store(true, Ordering::SeqCst);
        let stream = Clickstream::new(sink.clone(), Duration::from_secs(1));
        stream
            .accept(vec![event(ViewerEventKind::View, 1)])
            .unwrap();
        assert!(!stream.flush().await);
        assert_eq!(stream.waiting(), 1);

        let fill = (0..CAPACITY - 1).map(|i| event(ViewerEventKind::Zoom, i as u64 + 2));
        stream.accept(fill.collect()).unwrap();
        assert!(
            stream
                .accept(vec![event(ViewerEventKind::Zoom, 0)])
                .is_err()
        );

        sink.failing.store(false, Ordering::SeqCst);
        assert!(stream.flush().await);
        let kept = sink.events.lock().unwrap();
        assert_eq!(kept.len(), CAPACITY);
        assert_eq!(
            kept[0].kind,
            ViewerEventKind::View,
            "the retried batch goes first"
        );
        let mut text = String::new();
        stream.render(&mut text);
        assert!(text.contains("vitrine_clickstream_events_total{outcome=\"refused\"} 1\n"));
        assert!(text.contains("vitrine_clickstream_send_failures_total 1\n"));
    }

    #[test]
    fn first_frames_and_levels_show_in_metrics() {
        let stream = Clickstream::new(Arc::new(Kept::default()), Duration::from_secs(1));
        stream
            .accept(vec![
                event(ViewerEventKind::FirstFrame, 1_200),
                event(ViewerEventKind::LodShown, 1_100),
                event(ViewerEventKind::LodShown, 2_500),
            ])
            .unwrap();
        let mut text = String::new();
        stream.render(&mut text);
        assert!(text.contains("vitrine_viewer_first_frame_seconds_bucket{le=\"1.5\"} 1\n"));
        assert!(text.contains("vitrine_viewer_first_frame_seconds_bucket{le=\"1\"} 0\n"));
        assert!(text.contains("vitrine_viewer_first_frame_seconds_count 1\n"));
        assert!(text.contains("vitrine_viewer_levels_shown_total{level=\"2\"} 2\n"));
        assert!(text.contains("vitrine_viewer_level_bytes_total{level=\"2\"} 8192\n"));
        assert!(text.contains("vitrine_viewer_events_total{kind=\"lod_shown\"} 2\n"));
    }
}
