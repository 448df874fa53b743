//! The JSON-RPC proxy of `hyperforge_l1::test_utils`, plus a tracing subscriber that captures
//! the warnings a test expects.

use std::{
    fmt::Write as _,
    sync::{Arc, Mutex},
};

pub(crate) use hyperforge_l1::test_utils::{Answer, GetLogs, Proxy, quantity, to_quantity};

/// The warnings (and errors) logged while a [`Captured`] guard lives, on this thread (a
/// `#[tokio::test]` runs on one thread): `level message field=value ...` per line.
#[derive(Clone, Default)]
pub(crate) struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    /// Captures on this thread until the guard drops.
    pub(crate) fn start() -> (Self, tracing::dispatcher::DefaultGuard) {
        let captured = Self::default();
        let guard = tracing::dispatcher::set_default(&tracing::Dispatch::new(captured.clone()));
        (captured, guard)
    }

    pub(crate) fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl tracing::Subscriber for Captured {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(event.metadata().level().to_string());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}
