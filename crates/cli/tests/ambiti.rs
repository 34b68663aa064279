//! The first run as an operator meets it: `concerto serve --no-demo` on an empty
//! database prints the setup address, which opens the setup page; and
//! `concerto ambiti import` loads the Puglia list shipped in the repository.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

mod common;

use std::process::Command;

use common::{BINARY, Server};
use concerto_store::Store;
use concerto_store::testing::fresh_database_url;

#[tokio::test]
async fn an_empty_database_prints_a_setup_address_that_opens_the_setup_page() {
    let url = fresh_database_url().await;
    let server = Server::start(&url, &["--no-demo"]).await;
    let log = server.log_text();
    let line = log.lines().find(|l| l.contains("setup: ")).unwrap_or_else(|| panic!("no setup line: {log}"));
    let address = line.split("setup: ").nth(1).unwrap().split_whitespace().next().unwrap();
    assert!(address.starts_with(&format!("{}/benvenuto/", server.base)), "{line}");
    let page = reqwest::get(address).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Benvenuto in Concerto"));
    let wrong = reqwest::get(format!("{}/benvenuto/altro", server.base)).await.unwrap();
    assert_eq!(wrong.status(), 404);
}

#[tokio::test]
async fn the_puglia_list_loads_every_row_once_with_municipalities_from_istat() {
    let url = fresh_database_url().await;
    let list = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/data/ambiti-puglia.csv");
    let run = || Command::new(BINARY).args(["ambiti", "import", "--database-url", &url, list]).output().unwrap();
    let first = run();
    let out = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(first.status.success(), "{out}{}", String::from_utf8_lossy(&first.stderr));
    assert!(out.contains("ambiti: 20 created, 0 kept"), "{out}");
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).contains("ambiti: 0 created, 20 kept"));
    let store = Store::open(&url).await.unwrap();
    let molfetta = store.ambito_profile("molfetta").await.unwrap().unwrap();
    assert_eq!(molfetta.profile.municipalities, ["Molfetta", "Giovinazzo"]);
    let (_, identity) = store.ambito_identity("trani-bisceglie").await.unwrap().unwrap();
    assert_eq!((identity.province.as_str(), identity.region.as_str()), ("BT", "Puglia"));
    assert_eq!(identity.source.as_deref(), Some("local press 2022"), "each row keeps its source");
    store.close().await;

    // A row naming a municipality ISTAT does not know stops the whole list.
    let bad = std::env::temp_dir().join(format!("ambiti-bad-{}.csv", std::process::id()));
    std::fs::write(&bad, "ambito,province,lead_municipality,municipalities,managing_body,confidence,source\nAtlantide,BA,Atlantide,Atlantide,,low,test\n").unwrap();
    let refused = Command::new(BINARY)
        .args(["ambiti", "import", "--database-url", &fresh_database_url().await])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Atlantide"));
}
