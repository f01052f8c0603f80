package view

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pop3lab/sim"
	"pop3lab/sim/scenario"
)

// ShareVersion is the version of share links this build writes and reads.
const ShareVersion = 1

// MaxShareSize bounds a share link's decompressed content.
const MaxShareSize = 1 << 20

// Errors of DecodeShare; ShareMessage turns them into the page's sentence.
var (
	ErrShareDamaged = errors.New("shared link is damaged")
	ErrShareTooNew  = errors.New("shared link comes from a newer pop3lab")
	// ErrShareTooLarge wraps ErrTooLarge: the link holds more than the
	// page replays at once.
	ErrShareTooLarge = fmt.Errorf("shared link: %w", ErrTooLarge)
)

// ShareMessage is the one sentence the page shows for a DecodeShare error.
func ShareMessage(err error) string {
	switch {
	case errors.Is(err, ErrShareTooNew):
		return "This shared link comes from a newer pop3lab, so the normal page was opened."
	case errors.Is(err, ErrTooLarge):
		return "This shared link holds a session too long to replay in a browser, so the normal page was opened."
	case err != nil:
		return "This shared link is damaged, so the normal page was opened."
	}
	return ""
}

// Shared is what a share link carries: a scenario and how far it was
// stepped, or a sandbox as seed and actions. Nothing leaves the browser:
// the link's fragment is never sent to a server.
type Shared struct {
	Scenario  string       `json:"sc,omitempty"`
	Step      int          `json:"st,omitempty"`
	Seed      uint64       `json:"seed,omitempty"`
	Actions   []sim.Action `json:"-"`
	Saved     []byte       `json:"sb,omitempty"` // the sandbox, in the saved-session format
	Presenter bool         `json:"pr,omitempty"`
	// Bytes, when set, names the span the byte view opens at, once the
	// session is replayed.
	Bytes *ByteLink `json:"bv,omitempty"`
}

// EncodeShare returns the fragment (without "#") for sh: "v1." and the
// base64url of the deflated JSON.
func EncodeShare(sh Shared) (string, error) {
	if sh.Scenario == "" && len(sh.Actions) > 0 {
		saved, err := Save(sh.Seed, sh.Actions)
		if err != nil {
			return "", err
		}
		sh.Saved = saved
	}
	raw, err := json.Marshal(sh)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(raw)
	w.Close()
	return fmt.Sprintf("v%d.%s", ShareVersion, base64.RawURLEncoding.EncodeToString(buf.Bytes())), nil
}

// DecodeShare reads a fragment written by EncodeShare.
func DecodeShare(fragment string) (Shared, error) {
	fragment = strings.TrimPrefix(fragment, "#")
	ver, payload, ok := strings.Cut(fragment, ".")
	if !ok || !strings.HasPrefix(ver, "v") {
		return Shared{}, ErrShareDamaged
	}
	n, err := strconv.Atoi(ver[1:])
	if err != nil || n < 1 {
		return Shared{}, ErrShareDamaged
	}
	if n > ShareVersion {
		return Shared{}, ErrShareTooNew
	}
	compressed, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Shared{}, ErrShareDamaged
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(compressed)), MaxShareSize+1))
	if err != nil || len(raw) > MaxShareSize {
		return Shared{}, ErrShareDamaged
	}
	var sh Shared
	if err := json.Unmarshal(raw, &sh); err != nil || sh.Step < 0 || sh.Bytes != nil && !sh.Bytes.valid() {
		return Shared{}, ErrShareDamaged
	}
	if sh.Scenario == "" && len(sh.Saved) > 0 {
		seed, actions, err := Load(sh.Saved)
		if err != nil {
			return Shared{}, ErrShareDamaged
		}
		sh.Seed, sh.Actions = seed, actions
		if CheckBudget(actions) != nil {
			return Shared{}, ErrShareTooLarge
		}
	}
	if sh.Scenario != "" && sh.Step > 0 {
		sc, err := scenario.Parse(sh.Scenario)
		if err != nil {
			return Shared{}, ErrShareDamaged
		}
		if ScenarioCost(sc, sh.Step) > ReplayBudget {
			return Shared{}, ErrShareTooLarge
		}
	}
	return sh, nil
}
