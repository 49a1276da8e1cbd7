//! IPv4 addresses and CIDR ranges as the cluster's network flags take them
//! (`--pod-cidr`, `--service-cidr`, `--dns-service-ip`,
//! `--api-server-authorized-ip-ranges`): parsed strictly (four decimal octets,
//! no leading zeros, a prefix of 0-32, no host bits set), so that what is sent
//! matches the spec's patterns and a typo is caught before Azure sees it.

use std::fmt;

/// An IPv4 range: a network address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub prefix: u8,
}

/// `10.0.0.1`, `0.0.0.0`: four octets, each 0-255 without leading zeros.
pub fn parse_ip(s: &str) -> Result<u32, String> {
    let bad = || {
        format!(
            "`{}` is not an IPv4 address (e.g. 10.0.0.10)",
            crate::names::shown(s)
        )
    };
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return Err(bad());
    }
    let mut addr = 0u32;
    for p in parts {
        let ok = !p.is_empty()
            && p.len() <= 3
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p == "0" || !p.starts_with('0'));
        let octet: u8 = if ok {
            p.parse().map_err(|_| bad())?
        } else {
            return Err(bad());
        };
        addr = (addr << 8) | u32::from(octet);
    }
    Ok(addr)
}

/// Prints an address as four octets.
pub fn show_ip(addr: u32) -> String {
    let o = addr.to_be_bytes();
    format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
}

impl Cidr {
    /// `10.244.0.0/16`. With `bare_ip`, `1.2.3.4` alone means `/32`.
    pub fn parse(s: &str, bare_ip: bool) -> Result<Cidr, String> {
        let shown = crate::names::shown(s);
        let (ip, prefix) = match s.split_once('/') {
            Some((ip, p)) => {
                let ok = !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
                let prefix: u8 = p.parse().ok().filter(|n| ok && *n <= 32).ok_or_else(|| {
                    format!("`{shown}` has no valid prefix length: use 0 to 32 after the /")
                })?;
                (ip, prefix)
            }
            None if bare_ip => (s, 32),
            None => {
                return Err(format!(
                    "`{shown}` is not a CIDR range; use address/prefix, e.g. 10.244.0.0/16"
                ))
            }
        };
        let addr = parse_ip(ip).map_err(|_| {
            format!("`{shown}` is not a CIDR range; use address/prefix, e.g. 10.244.0.0/16")
        })?;
        let cidr = Cidr { addr, prefix };
        if cidr.network() != addr {
            return Err(format!(
                "`{shown}` has host bits set; the range is {}",
                Cidr {
                    addr: cidr.network(),
                    prefix
                }
            ));
        }
        Ok(cidr)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    /// The first address of the range.
    pub fn network(self) -> u32 {
        self.addr & self.mask()
    }

    /// The last address of the range.
    pub fn last(self) -> u32 {
        self.network() | !self.mask()
    }

    pub fn contains(self, ip: u32) -> bool {
        ip & self.mask() == self.network()
    }

    /// Whether two ranges share an address.
    pub fn overlaps(self, other: Cidr) -> bool {
        self.network() <= other.last() && other.network() <= self.last()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", show_ip(self.addr), self.prefix)
    }
}

/// Checks `--dns-service-ip` against the service range: inside it, and not
/// its network address or its first host (the `kubernetes` service's).
pub fn check_dns_ip(dns: u32, service: Cidr) -> Result<(), String> {
    if !service.contains(dns) {
        return Err(format!(
            "{} is outside the service range {service}; pick an address inside it, e.g. {}",
            show_ip(dns),
            show_ip(service.network().wrapping_add(10))
        ));
    }
    if dns <= service.network().wrapping_add(1) || (service.prefix < 31 && dns == service.last()) {
        return Err(format!(
            "{} is reserved in {service} (network address, the kubernetes service's first address, or broadcast); use e.g. {}",
            show_ip(dns),
            show_ip(service.network().wrapping_add(10))
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        let c = Cidr::parse("10.244.0.0/16", false).unwrap();
        assert_eq!(c.to_string(), "10.244.0.0/16");
        assert!(Cidr::parse("10.244.0.1/16", false)
            .unwrap_err()
            .contains("10.244.0.0/16"));
        assert!(Cidr::parse("10.244.0.0", false).is_err());
        assert_eq!(Cidr::parse("1.2.3.4", true).unwrap().prefix, 32);
        assert!(Cidr::parse("10.0.0.0/33", false).is_err());
        assert!(parse_ip("010.0.0.1").is_err() && parse_ip("256.0.0.1").is_err());
        assert!(parse_ip("1.2.3").is_err() && parse_ip("1.2.3.4.5").is_err());
        let svc = Cidr::parse("10.0.0.0/16", false).unwrap();
        assert!(check_dns_ip(parse_ip("10.0.0.10").unwrap(), svc).is_ok());
        assert!(check_dns_ip(parse_ip("10.0.0.1").unwrap(), svc).is_err());
        assert!(check_dns_ip(parse_ip("10.0.0.0").unwrap(), svc).is_err());
        assert!(check_dns_ip(parse_ip("10.1.0.10").unwrap(), svc).is_err());
        let pods = Cidr::parse("10.0.128.0/17", false).unwrap();
        assert!(pods.overlaps(svc) && svc.overlaps(pods));
        assert!(!Cidr::parse("10.244.0.0/16", false).unwrap().overlaps(svc));
    }

    proptest! {
        #[test]
        fn every_address_round_trips(addr: u32) {
            prop_assert_eq!(parse_ip(&show_ip(addr)), Ok(addr));
        }

        #[test]
        fn every_range_round_trips(addr: u32, prefix in 0u8..=32) {
            let net = Cidr { addr, prefix }.network();
            let text = format!("{}/{prefix}", show_ip(net));
            let c = Cidr::parse(&text, false).unwrap();
            prop_assert_eq!(c.to_string(), text);
            prop_assert!(c.contains(net) && c.contains(c.last()));
        }

        #[test]
        fn host_bits_are_refused_naming_the_network(addr: u32, prefix in 0u8..32) {
            let c = Cidr { addr, prefix };
            prop_assume!(c.network() != addr);
            let err = Cidr::parse(&format!("{}/{prefix}", show_ip(addr)), false).unwrap_err();
            let expected = format!("{}/{prefix}", show_ip(c.network()));
            prop_assert!(err.contains(&expected));
        }

        #[test]
        fn overlap_is_symmetric_and_matches_a_shared_address(a: u32, pa in 0u8..=32, b: u32, pb in 0u8..=32) {
            let x = Cidr { addr: Cidr { addr: a, prefix: pa }.network(), prefix: pa };
            let y = Cidr { addr: Cidr { addr: b, prefix: pb }.network(), prefix: pb };
            prop_assert_eq!(x.overlaps(y), y.overlaps(x));
            // Nested or disjoint: ranges overlap exactly when one holds the other's start.
            prop_assert_eq!(x.overlaps(y), x.contains(y.network()) || y.contains(x.network()));
        }

        #[test]
        fn garbage_never_panics(s in "\\PC{0,24}") {
            let _ = Cidr::parse(&s, true);
            let _ = parse_ip(&s);
        }
    }
}
