//! What every AWS client here shares: the region (from the environment,
//! else us-east-1) and, in tests, a local stand-in's endpoint (moto_server).

use aws_config::meta::region::RegionProviderChain;
use aws_config::{BehaviorVersion, SdkConfig};

/// The SDK's settings; `endpoint_url` replaces AWS (`AWS_ENDPOINT_URL`).
pub async fn sdk_config(endpoint_url: Option<&str>) -> SdkConfig {
    let region = RegionProviderChain::default_provider().or_else("us-east-1");
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(region);
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}
