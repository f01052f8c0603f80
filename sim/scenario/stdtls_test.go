package scenario

// The tests' simulations run TLS on crypto/tls.
import _ "pop3lab/sim/secure/stdtls"
