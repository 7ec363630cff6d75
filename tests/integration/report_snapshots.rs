//! The terminal and JSON reports of the fixtures, pinned. Review a changed `.snap` as you would
//! review the report a user reads.

use crate::common;

use common::cm_audit;

fn stdout(args: &[&str]) -> String {
    let out = cm_audit().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn terminal_report_of_a_well_kept_project() {
    insta::assert_snapshot!(stdout(&["render", common::saved_report("well-kept").to_str().unwrap()]));
}

#[test]
fn terminal_report_of_a_tricky_project() {
    insta::assert_snapshot!(stdout(&["render", common::saved_report("tricky").to_str().unwrap()]));
}

#[test]
fn json_report_of_a_tricky_project() {
    let report: serde_json::Value = serde_json::from_str(&stdout(&["tricky", "--format", "json"])).unwrap();
    insta::assert_json_snapshot!(report, { ".tool.version" => "[version]" });
}

#[test]
fn json_report_of_a_bare_project() {
    let report: serde_json::Value = serde_json::from_str(&stdout(&["bare", "--format", "json"])).unwrap();
    insta::assert_json_snapshot!(report, { ".tool.version" => "[version]" });
}
