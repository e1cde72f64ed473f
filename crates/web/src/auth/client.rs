//! Who is on the other end of the connection: the client address that per-client limits and
//! summarised audit entries count by. A forwarded address is believed only from a proxy the
//! configuration names (`--trusted-proxy`); anyone else could write any `X-Forwarded-For`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::http::HeaderMap;

/// The client of a request: the peer, or, when the peer is a trusted proxy, the rightmost
/// address of `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the
/// address it received the request from, so the ones further left are the client's words).
/// No peer (an in-process request) is the unspecified address.
pub fn client_of(peer: Option<SocketAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| canonical(a.ip()));
    if !trusted.contains(&peer) {
        return peer;
    }
    let mut hops: Vec<IpAddr> = Vec::new();
    for v in headers.get_all("x-forwarded-for") {
        let Ok(v) = v.to_str() else { return peer };
        for part in v.split(',') {
            match part.trim().parse::<IpAddr>() {
                Ok(ip) => hops.push(canonical(ip)),
                // A hop we cannot read: stop believing the chain at the last proxy.
                Err(_) => return peer,
            }
        }
    }
    let mut client = peer;
    for ip in hops.into_iter().rev() {
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// An IPv4 client reached over an IPv6 socket is the same client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer(s: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(s.parse().unwrap(), 40000))
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_peer_unless_it_is_a_trusted_proxy() {
        let h = xff(&["203.0.113.9"]);
        // Not configured: the header is anyone's words.
        assert_eq!(client_of(peer("198.51.100.7"), &h, &[]), ip("198.51.100.7"));
        // Configured, but this peer is not the proxy.
        assert_eq!(client_of(peer("198.51.100.7"), &h, &[ip("10.0.0.1")]), ip("198.51.100.7"));
        // From the proxy: its forwarded address.
        assert_eq!(client_of(peer("10.0.0.1"), &h, &[ip("10.0.0.1")]), ip("203.0.113.9"));
        assert_eq!(client_of(None, &h, &[]), ip("0.0.0.0"));
    }

    #[test]
    fn the_rightmost_address_no_proxy_of_ours_added() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The client wrote a fake first hop; our proxies appended the real ones.
        let h = xff(&["1.2.3.4, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(client_of(peer("10.0.0.1"), &h, &trusted), ip("203.0.113.9"));
        // Nothing forwarded: the proxy itself.
        assert_eq!(client_of(peer("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
        // Garbage in the chain: the proxy, not a guess.
        let h = xff(&["203.0.113.9, not-an-ip"]);
        assert_eq!(client_of(peer("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
        // Every hop a proxy of ours: the leftmost.
        let h = xff(&["10.0.0.2"]);
        assert_eq!(client_of(peer("10.0.0.1"), &h, &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn ipv4_over_ipv6_is_the_same_client() {
        assert_eq!(
            client_of(peer("::ffff:198.51.100.7"), &HeaderMap::new(), &[]),
            ip("198.51.100.7")
        );
        assert_eq!(client_of(peer("2001:db8::1"), &HeaderMap::new(), &[]), ip("2001:db8::1"));
    }
}
