//! Hooks the terminal's wait notice and the `--log` file onto the HTTP client,
//! which knows neither.

use std::sync::Arc;

use crate::http::{Http, RequestObserver};
use crate::ui::log::OperatorLog;
use crate::ui::wait::WaitNotice;

impl RequestObserver for WaitNotice {
    fn sent(&self, request: &str) {
        WaitNotice::sent(self, request);
    }
    fn answered(&self, request: &str, _outcome: &str) {
        WaitNotice::answered(self, request);
    }
}

impl RequestObserver for OperatorLog {
    fn sent(&self, request: &str) {
        self.write(&format!("> {request}"));
    }
    fn answered(&self, request: &str, outcome: &str) {
        self.write(&format!("< {outcome} for {request}"));
    }
}

pub fn attach(http: &mut Http, log: Option<Arc<OperatorLog>>) {
    http.observe(Arc::new(WaitNotice::new()));
    if let Some(log) = log {
        http.observe(log);
    }
}
