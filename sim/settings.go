package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pop3lab/sim/client"
	"pop3lab/sim/sample"
	"pop3lab/sim/wording"
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

// setting is one entry of the settings vocabulary: its scoped name, the
// values it takes (for error messages and editors), and how to read and
// write it in a Settings.
type setting struct {
	key  string // "server.tls"
	want string // "on|off"
	get  func(*Settings) string
	set  func(*Settings, string) bool // false: the value is not allowed
}

// settingTable is the one list of settings that scenarios, the app and
// the command line name.
var settingTable = []setting{
	onOffSetting("server.tls", func(s *Settings) *bool { return &s.Server.TLS }),
	onOffSetting("server.unsafe-stls", func(s *Settings) *bool { return &s.Server.UnsafeSTLS }),
	durationSetting("server.login-delay", "a duration such as 60s", func(s *Settings) *time.Duration { return &s.Server.LoginDelay }),
	durationSetting("server.auth-failure-delay", "a duration such as 2s", func(s *Settings) *time.Duration { return &s.Server.AuthFailureDelay }),
	{
		key: "client.tls", want: keywords(client.TLSPolicies(), client.TLSPolicy.Keyword),
		get: func(s *Settings) string { return s.Client.TLS.Keyword() },
		set: func(s *Settings, v string) bool {
			p, err := client.ParseTLSPolicy(v)
			if err != nil {
				return false
			}
			s.Client.TLS = p
			return true
		},
	},
	{
		key: "client.auth", want: keywords(client.AuthMethods(), client.AuthMethod.Keyword),
		get: func(s *Settings) string { return s.Client.Auth.Keyword() },
		set: func(s *Settings, v string) bool {
			a, err := client.ParseAuthMethod(v)
			if err != nil {
				return false
			}
			s.Client.Auth = a
			return true
		},
	},
	onOffSetting("client.leave-on-server", func(s *Settings) *bool { return &s.Client.LeaveOnServer }),
	{
		key: "client.delete-after-days", want: "a whole number of 0 or more",
		get: func(s *Settings) string { return strconv.Itoa(s.Client.DeleteAfterDays) },
		set: func(s *Settings, v string) bool {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || v[0] == '+' {
				return false
			}
			s.Client.DeleteAfterDays = n
			return true
		},
	},
	textSetting("client.user", "a user name", func(s *Settings) *string { return &s.Client.User }, nonEmpty),
	textSetting("client.password", "a password", func(s *Settings) *string { return &s.Client.Password }, nonEmpty),
	textSetting("client.device", "a device name of letters and digits, such as laptop or phone", func(s *Settings) *string { return &s.Client.Device }, validDevice),
}

// SettingKeys returns the names Set accepts for scope "server" or
// "client", sorted.
func SettingKeys(scope string) []string {
	var keys []string
	for _, st := range settingTable {
		if rest, ok := strings.CutPrefix(st.key, scope+"."); ok {
			keys = append(keys, rest)
		}
	}
	slices.Sort(keys)
	return keys
}

// SettingValues says what values a setting takes, as error messages put
// it ("on|off", "a duration such as 60s"); "" for an unknown setting.
func SettingValues(scope, key string) string {
	if st := findSetting(scope, key); st != nil {
		return st.want
	}
	return ""
}

// Set changes one setting by name, as scenarios write them: scope is
// "server" or "client", key a name from SettingKeys.
func (s *Settings) Set(scope, key, value string) error {
	st := findSetting(scope, key)
	if st == nil {
		return fmt.Errorf("unknown %s setting %q: want one of %s", scope, key, strings.Join(SettingKeys(scope), ", "))
	}
	if !st.set(s, value) {
		return fmt.Errorf("%s=%s: want %s", key, value, st.want)
	}
	return nil
}

// Get returns one setting as Set takes it and scenarios write it
// (Get("client", "tls") is "if-offered"), for views and editors.
func (s *Settings) Get(scope, key string) (string, error) {
	st := findSetting(scope, key)
	if st == nil {
		return "", fmt.Errorf("unknown %s setting %q: want one of %s", scope, key, strings.Join(SettingKeys(scope), ", "))
	}
	return st.get(s), nil
}

func findSetting(scope, key string) *setting {
	for i := range settingTable {
		if settingTable[i].key == scope+"."+key {
			return &settingTable[i]
		}
	}
	return nil
}

func onOffSetting(key string, field func(*Settings) *bool) setting {
	return setting{
		key: key, want: "on|off",
		get: func(s *Settings) string { return wording.OnOff(*field(s)) },
		set: func(s *Settings, v string) bool {
			on, ok := wording.ParseOnOff(v)
			if ok {
				*field(s) = on
			}
			return ok
		},
	}
}

func durationSetting(key, want string, field func(*Settings) *time.Duration) setting {
	return setting{
		key: key, want: want,
		get: func(s *Settings) string { return field(s).String() },
		set: func(s *Settings, v string) bool {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return false
			}
			*field(s) = d
			return true
		},
	}
}

func textSetting(key, want string, field func(*Settings) *string, valid func(string) bool) setting {
	return setting{
		key: key, want: want,
		get: func(s *Settings) string { return *field(s) },
		set: func(s *Settings, v string) bool {
			if !valid(v) {
				return false
			}
			*field(s) = v
			return true
		},
	}
}

func nonEmpty(v string) bool { return v != "" }

// validDevice: 1 to 20 ASCII letters and digits.
func validDevice(v string) bool {
	return v != "" && len(v) <= 20 && strings.IndexFunc(v, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) < 0
}

// keywords joins the keywords of every value with "|".
func keywords[T any](all []T, keyword func(T) string) string {
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = keyword(v)
	}
	return strings.Join(names, "|")
}
