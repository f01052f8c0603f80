package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/hack-pad/hackpadfs"
)

// DefaultMemoryFile is where a MailClient keeps its UID memory when
// Config.MemoryFile is empty.
const DefaultMemoryFile = "pop3-uids.json"

// memoryVersion is the format of the UID memory file.
const memoryVersion = 1

// ErrBadMemory: the UID memory file exists but cannot be read as one. The
// client stops rather than guess: an empty memory would download every
// message left on the server again.
var ErrBadMemory = errors.New("pop3 client: unreadable UID memory file")

// memory is the UID memory: for each account (the user name on the
// server), the unique ids already downloaded (RFC 1939 §7 UIDL) and when
// each was first downloaded. It is what lets "leave on server" fetch only
// new messages and delete after N days, and what keeps a session that
// broke before QUIT from duplicating mail the next time.
//
// On disk: {"version":1,"accounts":{"alice":{"<uid>":"<RFC 3339 time>"}}}.
type memory struct {
	Version  int                             `json:"version"`
	Accounts map[string]map[string]time.Time `json:"accounts"`
}

// loadMemory reads the memory file; a missing file is an empty memory.
func (m *MailClient) loadMemory() (*memory, error) {
	data, err := hackpadfs.ReadFile(m.cfg.FS, m.memoryFile())
	if errors.Is(err, hackpadfs.ErrNotExist) {
		return &memory{Version: memoryVersion, Accounts: map[string]map[string]time.Time{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pop3 client: UID memory %s: %w", m.memoryFile(), err)
	}
	var mem memory
	if err := json.Unmarshal(data, &mem); err != nil || mem.Version != memoryVersion {
		return nil, fmt.Errorf("%w %s (version %d): %v", ErrBadMemory, m.memoryFile(), mem.Version, err)
	}
	if mem.Accounts == nil {
		mem.Accounts = map[string]map[string]time.Time{}
	}
	return &mem, nil
}

// account returns the uid map of one account, creating it.
func (mem *memory) account(user string) map[string]time.Time {
	a := mem.Accounts[user]
	if a == nil {
		a = map[string]time.Time{}
		mem.Accounts[user] = a
	}
	return a
}

// saveMemory writes the memory to a temporary file and renames it over
// the old one, so that a crash leaves either the old or the new memory.
func (m *MailClient) saveMemory(mem *memory) error {
	// Accounts with nothing to remember are left out of the file, but not
	// out of mem: callers hold on to their account's map.
	out := memory{Version: mem.Version, Accounts: map[string]map[string]time.Time{}}
	for user, a := range mem.Accounts {
		if len(a) > 0 {
			out.Accounts[user] = a
		}
	}
	data, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	name := m.memoryFile()
	if dir := path.Dir(name); dir != "." {
		if err := hackpadfs.MkdirAll(m.cfg.FS, dir, 0o700); err != nil {
			return fmt.Errorf("pop3 client: UID memory %s: %w", name, err)
		}
	}
	tmp := name + ".tmp"
	if err := hackpadfs.WriteFullFile(m.cfg.FS, tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("pop3 client: UID memory %s: %w", name, err)
	}
	if err := hackpadfs.Rename(m.cfg.FS, tmp, name); err != nil {
		return fmt.Errorf("pop3 client: UID memory %s: %w", name, err)
	}
	return nil
}

func (m *MailClient) memoryFile() string {
	if m.cfg.MemoryFile != "" {
		return m.cfg.MemoryFile
	}
	return DefaultMemoryFile
}

// Downloaded returns the unique ids the client remembers having
// downloaded for the current account, with the time each was first
// downloaded: the UID memory, for views.
func (m *MailClient) Downloaded() (map[string]time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mem, err := m.loadMemory()
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time)
	for uid, t := range mem.Accounts[m.Settings.Username] {
		out[uid] = t
	}
	return out, nil
}
