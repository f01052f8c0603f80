package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pop3lab/sim/client"
	"pop3lab/sim/sample"
)

// ServerSettings are the knobs of the simulated server.
type ServerSettings struct {
	// TLS offers STLS on port 110 and serves implicit TLS on port 995.
	TLS bool
	// UnsafeSTLS executes plaintext pipelined after STLS inside TLS: the
	// STARTTLS command-injection flaw, for the lab only.
	UnsafeSTLS bool
	// LoginDelay is the minimum time between logins (LOGIN-DELAY).
	LoginDelay time.Duration
	// AuthFailureDelay is waited, in virtual time, after a failed login.
	AuthFailureDelay time.Duration
}

// ClientSettings are the mail client's settings.
type ClientSettings struct {
	User, Password  string
	Auth            client.AuthMethod
	TLS             client.TLSPolicy
	LeaveOnServer   bool
	DeleteAfterDays int
	// Device names the machine the mail client runs on; each device has
	// its own local mailbox and UID memory (the two-devices lesson).
	Device string
}

// Settings are all the settings of a simulation.
type Settings struct {
	Server ServerSettings
	Client ClientSettings
}

// DefaultSettings: a server with TLS available, and a mail client that
// logs in as the sample user with USER/PASS and uses STLS if offered.
func DefaultSettings() Settings {
	return Settings{
		Server: ServerSettings{TLS: true, AuthFailureDelay: 2 * time.Second},
		Client: ClientSettings{
			User: sample.User, Password: sample.Password,
			Auth: client.AuthUserPass, TLS: client.TLSIfOffered,
			Device: DefaultDevice,
		},
	}
}

// DefaultDevice is the device the mail client starts on.
const DefaultDevice = "laptop"

// settingKeys lists what Set accepts, with the values allowed.
var settingKeys = map[string]string{
	"server.tls":                "on|off",
	"server.unsafe-stls":        "on|off",
	"server.login-delay":        "a duration such as 60s",
	"server.auth-failure-delay": "a duration such as 2s",
	"client.tls":                "none|if-offered|required|implicit",
	"client.auth":               "user|apop|plain",
	"client.leave-on-server":    "on|off",
	"client.delete-after-days":  "a whole number of 0 or more",
	"client.user":               "a user name",
	"client.password":           "a password",
	"client.device":             "a device name of letters and digits, such as laptop or phone",
}

// SettingKeys returns the names Set accepts for scope "server" or
// "client", sorted.
func SettingKeys(scope string) []string {
	var keys []string
	for k := range settingKeys {
		if rest, ok := strings.CutPrefix(k, scope+"."); ok {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return keys
}

// Set changes one setting by name, as scenarios write them: scope is
// "server" or "client", key a name from SettingKeys.
func (s *Settings) Set(scope, key, value string) error {
	want, ok := settingKeys[scope+"."+key]
	if !ok {
		return fmt.Errorf("unknown %s setting %q: want one of %s", scope, key, strings.Join(SettingKeys(scope), ", "))
	}
	bad := fmt.Errorf("%s=%s: want %s", key, value, want)
	onOff := func(dst *bool) error {
		switch value {
		case "on":
			*dst = true
		case "off":
			*dst = false
		default:
			return bad
		}
		return nil
	}
	duration := func(dst *time.Duration) error {
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return bad
		}
		*dst = d
		return nil
	}
	switch scope + "." + key {
	case "server.tls":
		return onOff(&s.Server.TLS)
	case "server.unsafe-stls":
		return onOff(&s.Server.UnsafeSTLS)
	case "server.login-delay":
		return duration(&s.Server.LoginDelay)
	case "server.auth-failure-delay":
		return duration(&s.Server.AuthFailureDelay)
	case "client.tls":
		p, ok := map[string]client.TLSPolicy{"none": client.TLSNone, "if-offered": client.TLSIfOffered, "required": client.TLSRequired, "implicit": client.TLSImplicit}[value]
		if !ok {
			return bad
		}
		s.Client.TLS = p
	case "client.auth":
		a, ok := map[string]client.AuthMethod{"user": client.AuthUserPass, "apop": client.AuthAPOP, "plain": client.AuthPlain}[value]
		if !ok {
			return bad
		}
		s.Client.Auth = a
	case "client.leave-on-server":
		return onOff(&s.Client.LeaveOnServer)
	case "client.delete-after-days":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || value[0] == '+' {
			return bad
		}
		s.Client.DeleteAfterDays = n
	case "client.user":
		if value == "" {
			return bad
		}
		s.Client.User = value
	case "client.password":
		if value == "" {
			return bad
		}
		s.Client.Password = value
	case "client.device":
		if value == "" || len(value) > 20 || strings.IndexFunc(value, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
		}) >= 0 {
			return bad
		}
		s.Client.Device = value
	}
	return nil
}
