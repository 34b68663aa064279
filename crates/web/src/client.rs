//! Who a request comes from: the peer's address, or behind a trusted reverse proxy
//! the client's address that the proxy reports.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// What a request without a socket (a router called in process, as tests do) reads.
pub const UNKNOWN_ADDRESS: &str = "sconosciuto";

/// The address a request comes from, for the limits on public writes, the login
/// throttle, the audit log and the pact's events. The server hands every request
/// its peer (see [`crate::serve`]).
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(a)| a.ip());
        let forwarded =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
        let address = client_address(peer, &forwarded, &state.config.trusted_proxies);
        Ok(ClientAddress(address.map_or_else(|| UNKNOWN_ADDRESS.to_string(), |a| a.to_string())))
    }
}

/// The client behind `peer`: the peer itself, unless it is a trusted proxy; then
/// the nearest address of `X-Forwarded-For` (read from the right, as each proxy
/// appends the address it saw) that is not a trusted proxy. Anything a client
/// wrote at the left of the header is never believed past an untrusted hop.
pub fn client_address(peer: Option<IpAddr>, forwarded: &[&str], trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops: Vec<&str> = forwarded.iter().flat_map(|h| h.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // A malformed hop ends the walk: what stands left of it cannot be trusted.
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// `127.0.0.1/32, 10.0.0.0/8, ::1`: a list of networks (a bare address is one host).
pub fn parse_trusted_proxies(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("«{s}» is not an address or a network in CIDR notation"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let trusted = parse_trusted_proxies("127.0.0.1/32, 10.0.0.0/8").unwrap();
        // A client cannot choose its address by writing the header itself.
        assert_eq!(client_address(Some(ip("203.0.113.9")), &["1.2.3.4"], &trusted), Some(ip("203.0.113.9")));
        assert_eq!(client_address(Some(ip("127.0.0.1")), &["198.51.100.7"], &trusted), Some(ip("198.51.100.7")));
        // Forged hops at the left stay behind the first untrusted one.
        assert_eq!(
            client_address(Some(ip("127.0.0.1")), &["6.6.6.6, 198.51.100.7, 10.1.2.3"], &trusted),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(client_address(Some(ip("127.0.0.1")), &["garbage"], &trusted), Some(ip("127.0.0.1")));
        assert_eq!(client_address(Some(ip("127.0.0.1")), &[], &[]), Some(ip("127.0.0.1")));
        assert_eq!(client_address(None, &["1.2.3.4"], &trusted), None);
        assert!(parse_trusted_proxies("10.0.0.0/33").is_err());
        assert_eq!(parse_trusted_proxies("::1").unwrap().len(), 1);
    }
}
