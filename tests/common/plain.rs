//! Helpers that need nothing of a test target (no `CARGO_BIN_EXE_*`, no dev-dependency
//! but `serde_json`): `examples/serve_latency.rs` includes this file too.

use std::path::Path;

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The ids of the pages a `piao serve` state lays out (`vista.pagine`), in order.
pub fn page_ids(state: &serde_json::Value) -> Vec<String> {
    state["vista"]["pagine"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}
