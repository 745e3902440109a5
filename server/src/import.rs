//! `vitrine import-model FILE --product SLUG`: checks a GLB with the asset
//! pipeline, builds its levels of detail, stores them (and their manifest)
//! in the asset store and makes it the product's 3D model. Prints progress to stderr; the exit code says how it went
//! (0 imported, 1 refused or failed, 2 bad arguments).
//!
//! Order matters for "nothing half-written": the product is looked up and
//! the file checked before anything is stored, and the row is changed last.

use crate::assets::LocalAssetStore;
use crate::config::Settings;
use crate::store;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vitrine_domain::Slug;
use vitrine_pipeline::{DEFAULT_LADDER, Limits, build_ladder, inspect, manifest};

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
    if stores
        .catalog
        .product_by_slug(slug)
        .await
        .map_err(|e| e.to_string())?
        .is_none()
    {
        return Err(format!("there is no published product {slug:?}"));
    }
    let limits = Limits::default();
    let bytes = read_with_progress(file, limits.max_bytes)?;
    let Stored {
        report,
        levels,
        manifest_key,
    } = store_model(&stores, &assets, slug, &bytes).await?;
    let variants = match report.material_variants.as_slice() {
        [] => String::new(),
        names => format!("; variants: {}", names.join(", ")),
    };
    let ladder: Vec<String> = levels.iter().map(|l| l.triangles.to_string()).collect();
    Ok(format!(
        "imported {} for {slug}: {} triangles, {} primitives, {} materials, {} textures{variants}\n\
         levels of detail: {} triangles → {}/{manifest_key}",
        file.display(),
        report.triangles,
        report.primitives,
        report.materials,
        report.textures,
        ladder.join(" → "),
        settings.asset_base_url,
    ))
}

/// What [`store_model`] did.
struct Stored {
    report: vitrine_pipeline::ModelReport,
    levels: Vec<vitrine_pipeline::Level>,
    manifest_key: String,
}

/// Checks `bytes`, builds the ladder, stores the model, its levels and
/// their manifest, and only then points the product at them.
async fn store_model(
    stores: &store::Stores,
    assets: &LocalAssetStore,
    slug: &Slug,
    bytes: &[u8],
) -> Result<Stored, String> {
    step("checking the model");
    let report = inspect(bytes, &Limits::default()).map_err(|e| e.to_string())?;
    step("building its levels of detail");
    let levels = build_ladder(bytes, &DEFAULT_LADDER).map_err(|e| e.to_string())?;
    step("storing it");
    let store = |bytes: &[u8], extension: &str| {
        assets
            .put_bytes(bytes, extension)
            .map_err(|e| format!("cannot store the model: {e}"))
    };
    let key = store(bytes, "glb")?;
    let files = levels
        .iter()
        .map(|level| store(&level.glb, "glb"))
        .collect::<Result<Vec<_>, _>>()?;
    let manifest = manifest(&levels, &files).map_err(|e| e.to_string())?;
    let manifest_json = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
    let manifest_key = store(&manifest_json, "json")?;
    // The row changes last: until then the product shows its old model.
    let updated = stores
        .catalog
        .set_product_model(slug, &key, Some(&manifest_key))
        .await
        .map_err(|e| e.to_string())?;
    if !updated {
        return Err(format!("the product {slug:?} went away during the import"));
    }
    Ok(Stored {
        report,
        levels,
        manifest_key,
    })
}

/// `vitrine build-ladders`: levels of detail for every published product
/// that has a 3D model but none yet (e.g. the seeded demo catalog).
pub async fn build_missing_ladders(settings: Settings) -> ExitCode {
    match build_missing(&settings).await {
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

async fn build_missing(settings: &Settings) -> Result<usize, String> {
    let (stores, assets) = open(settings).await?;
    let mut built = 0;
    for summary in stores
        .catalog
        .list_products()
        .await
        .map_err(|e| e.to_string())?
    {
        let Some(product) = stores
            .catalog
            .product_by_slug(&summary.slug)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        let (Some(model_url), None) = (&product.model_url, &product.model_manifest_url) else {
            continue;
        };
        let key = model_url.rsplit('/').next().unwrap_or_default();
        eprintln!("{}:", product.slug);
        let bytes = std::fs::read(assets.dir().join(key))
            .map_err(|e| format!("cannot read the model of {}: {e}", product.slug))?;
        let stored = store_model(&stores, &assets, &product.slug, &bytes)
            .await
            .map_err(|e| format!("{}: {e}", product.slug))?;
        let ladder: Vec<String> = stored
            .levels
            .iter()
            .map(|l| l.triangles.to_string())
            .collect();
        println!("{}: {} triangles", product.slug, ladder.join(" → "));
        built += 1;
    }
    Ok(built)
}

/// The database and the asset store the server uses.
async fn open(settings: &Settings) -> Result<(store::Stores, LocalAssetStore), String> {
    let stores = store::connect(&settings.database_url, None, &settings.asset_base_url)
        .await
        .map_err(|e| e.to_string())?;
    let assets = LocalAssetStore::open(settings.data_dir.join("assets"))
        .map_err(|e| format!("cannot use the asset folder: {e}"))?;
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
