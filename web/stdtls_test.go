//go:build !js

package web_test

// The captures these tests make natively run TLS on crypto/tls.
import _ "pop3lab/sim/secure/stdtls"
