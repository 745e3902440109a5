//! `vitrine import-model FILE --product SLUG`: checks a GLB with the asset
//! pipeline, builds its levels of detail, stores them (and their manifest)
//! in the asset store and makes it the product's 3D model. Prints progress to stderr; the exit code says how it went
//! (0 imported, 1 refused or failed, 2 bad arguments).
//!
//! The work itself (and why nothing is half-written) is in [`crate::models`].

use crate::assets::{self, AssetStore};
use crate::config::Settings;
use crate::{models, store};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use vitrine_domain::Slug;
use vitrine_domain::viewer::ModelManifest;
use vitrine_pipeline::Limits;

const USAGE: &str = "usage: vitrine import-model FILE --product SLUG";

pub async fn run(settings: Settings, args: &[String]) -> ExitCode {
    let (file, slug) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("vitrine: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match import(&settings, &file, &slug).await {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("vitrine: {} was not imported: {message}", file.display());
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: &[String]) -> Result<(PathBuf, Slug), String> {
    let mut file = None;
    let mut slug = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--product" => {
                let value = args.next().ok_or("--product needs a product slug")?;
                slug = Some(Slug::parse(value).map_err(|e| format!("--product {value:?}: {e}"))?);
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other if file.is_none() => file = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok((
        file.ok_or("name the .glb file to import")?,
        slug.ok_or("say which product it is for with --product SLUG")?,
    ))
}

async fn import(settings: &Settings, file: &Path, slug: &Slug) -> Result<String, String> {
    let (stores, assets) = open(settings).await?;
    let limits = Limits::default();
    let bytes = read_with_progress(file, limits.max_bytes)?;
    let imported = models::import_model(
        stores.catalog.as_ref(),
        assets.as_ref(),
        slug,
        bytes,
        &limits,
        &|stage| step(stage.label()),
    )
    .await
    .map_err(|e| e.to_string())?;
    let report = &imported.report;
    let variants = match report.material_variants.as_slice() {
        [] => String::new(),
        names => format!("; variants: {}", names.join(", ")),
    };
    let manifest_key = imported.model.manifest_key.as_deref().unwrap_or_default();
    Ok(format!(
        "imported {} for {slug}: {} triangles, {} primitives, {} materials, {} textures{variants}\n\
         levels of detail: {} triangles → {}/{manifest_key}",
        file.display(),
        report.triangles,
        report.primitives,
        report.materials,
        report.textures,
        ladder_summary(&imported.manifest),
        settings.asset_base_url,
    ))
}

/// "120000 → 30000 → 7200 → 1800": triangles per level.
fn ladder_summary(manifest: &ModelManifest) -> String {
    let triangles: Vec<String> = manifest
        .levels
        .iter()
        .map(|l| l.triangles.to_string())
        .collect();
    triangles.join(" → ")
}

/// `vitrine build-ladders`: levels of detail for every published product
/// that has a 3D model but none yet (e.g. the seeded demo catalog).
pub async fn build_missing_ladders(settings: Settings) -> ExitCode {
    let built = async {
        let (stores, assets) = open(&settings).await?;
        models::build_missing_ladders(
            stores.catalog.as_ref(),
            assets.as_ref(),
            &|slug, imported| println!("{slug}: {} triangles", ladder_summary(&imported.manifest)),
        )
        .await
        .map_err(|e| e.to_string())
    };
    match built.await {
        Ok(0) => {
            println!("every product with a 3D model has its levels of detail");
            ExitCode::SUCCESS
        }
        Ok(built) => {
            println!("built levels of detail for {built} products");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("vitrine: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The database and the asset store the server uses.
async fn open(settings: &Settings) -> Result<(store::Stores, Arc<dyn AssetStore>), String> {
    let stores = store::connect(
        &settings.database_url,
        None,
        &settings.asset_base_url,
        std::time::Duration::ZERO,
    )
    .await
    .map_err(|e| e.to_string())?;
    let assets = assets::open(
        &settings.asset_store,
        &settings.data_dir,
        settings.aws_endpoint_url.as_deref(),
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok((stores, assets))
}

fn step(what: &str) {
    eprintln!("  {what}…");
}

/// Reads the file, refusing it once it passes `limit`, with a progress bar
/// on a terminal (and one line otherwise).
fn read_with_progress(file: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let mut source = std::fs::File::open(file).map_err(|e| format!("cannot open it: {e}"))?;
    let total = source.metadata().map(|m| m.len()).unwrap_or(0);
    if total > limit as u64 {
        return Err(format!("the file is {total} bytes; the limit is {limit}"));
    }
    let tty = std::io::stderr().is_terminal();
    if !tty {
        step(&format!("reading {total} bytes"));
    }
    let mut bytes = Vec::with_capacity(total as usize);
    let mut chunk = vec![0; 1 << 20];
    loop {
        let n = source
            .read(&mut chunk)
            .map_err(|e| format!("cannot read it: {e}"))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() > limit {
            return Err(format!("the file is over the {limit}-byte limit"));
        }
        if tty && total > 0 {
            let done = bytes.len() as u64 * 30 / total;
            eprint!(
                "\r  reading [{}{}] {:>3}%",
                "#".repeat(done as usize),
                " ".repeat(30 - done.min(30) as usize),
                bytes.len() as u64 * 100 / total
            );
            let _ = std::io::stderr().flush();
        }
    }
    if tty {
        eprintln!();
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn arguments_name_a_file_and_a_product() {
        let (file, slug) = parse_args(&args(&["chair.glb", "--product", "sheen-chair"])).unwrap();
        assert_eq!(file, PathBuf::from("chair.glb"));
        assert_eq!(slug.as_str(), "sheen-chair");
        assert!(
            parse_args(&args(&["chair.glb"]))
                .unwrap_err()
                .contains("--product")
        );
        assert!(
            parse_args(&args(&["--product", "x"]))
                .unwrap_err()
                .contains("file")
        );
        assert!(parse_args(&args(&["a.glb", "--product", "Not A Slug"])).is_err());
        assert!(
            parse_args(&args(&["a.glb", "--force"]))
                .unwrap_err()
                .contains("--force")
        );
    }
}
