//! Assets in an S3 bucket (production: served to shoppers by CloudFront,
//! whose domain is `ASSET_BASE_URL`). Objects carry their Content-Type and
//! the immutable Cache-Control, which CloudFront passes on to browsers.

use super::{AssetError, AssetStore, IMMUTABLE, content_key, content_type, is_content_key};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;

/// `s3://bucket/prefix`: where in S3 the assets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Prepended to every key: empty, or ending in `/`.
    pub prefix: String,
}

impl S3Location {
    pub fn parse(url: &str) -> Result<Self, String> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| format!("{url:?} does not start with s3://"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        // S3's bucket naming rules, in short.
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            return Err(format!("{bucket:?} is not an S3 bucket name"));
        }
        let prefix = match prefix.trim_matches('/') {
            "" => String::new(),
            prefix => format!("{prefix}/"),
        };
        Ok(Self {
            bucket: bucket.to_string(),
            prefix,
        })
    }
}

#[derive(Debug, Clone)]
pub struct S3AssetStore {
    client: Client,
    location: S3Location,
}

impl S3AssetStore {
    /// A client from the default AWS chain (task role, environment…).
    /// `endpoint_url` points it at a stand-in such as moto_server, which
    /// needs path-style addressing.
    pub async fn connect(location: S3Location, endpoint_url: Option<&str>) -> Self {
        let sdk = crate::aws::sdk_config(endpoint_url).await;
        let config = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(endpoint_url.is_some())
            .build();
        Self::with_client(Client::from_conf(config), location)
    }

    pub fn with_client(client: Client, location: S3Location) -> Self {
        Self { client, location }
    }

    fn object_key(&self, key: &str) -> String {
        format!("{}{key}", self.location.prefix)
    }

    async fn exists(&self, object_key: &str) -> Result<bool, AssetError> {
        match self
            .client
            .head_object()
            .bucket(&self.location.bucket)
            .key(object_key)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(false),
            Err(e) => Err(failed("look up", object_key, e)),
        }
    }
}

fn failed(what: &str, key: &str, error: impl std::error::Error) -> AssetError {
    AssetError(format!(
        "S3 could not {what} {key}: {}",
        DisplayErrorContext(error)
    ))
}

#[async_trait]
impl AssetStore for S3AssetStore {
    async fn put(&self, bytes: &[u8], extension: &str) -> Result<String, AssetError> {
        let key = content_key(bytes, extension);
        let object_key = self.object_key(&key);
        // Content-addressed: an object under this key already holds these bytes.
        if self.exists(&object_key).await? {
            return Ok(key);
        }
        // One PUT is atomic in S3: readers see the whole object or none.
        self.client
            .put_object()
            .bucket(&self.location.bucket)
            .key(&object_key)
            .body(ByteStream::from(bytes.to_vec()))
            .content_type(content_type(extension))
            .cache_control(IMMUTABLE)
            .send()
            .await
            .map_err(|e| failed("store", &object_key, e))?;
        Ok(key)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, AssetError> {
        if !is_content_key(key) {
            return Ok(None);
        }
        let object_key = self.object_key(key);
        let object = match self
            .client
            .get_object()
            .bucket(&self.location.bucket)
            .key(&object_key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(failed("read", &object_key, e)),
        };
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| failed("read", &object_key, e))?;
        Ok(Some(body.into_bytes().to_vec()))
    }

    async fn ping(&self) -> Result<(), AssetError> {
        self.client
            .head_bucket()
            .bucket(&self.location.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| failed("reach the bucket", &self.location.bucket, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_name_a_bucket_and_an_optional_prefix() {
        let plain = S3Location::parse("s3://vitrine-assets").unwrap();
        assert_eq!(plain.bucket, "vitrine-assets");
        assert_eq!(plain.prefix, "");
        let nested = S3Location::parse("s3://vitrine-assets/a/b").unwrap();
        assert_eq!(nested.prefix, "a/b/");
        assert!(S3Location::parse("s3://Bad_Bucket").is_err());
        assert!(S3Location::parse("s3://ab").is_err());
        assert!(S3Location::parse("https://x").is_err());
    }
}
