// Package stagestore keeps staged lists on disk, one JSON file per list,
// under the user's data directory. Every change is written atomically (temp
// file, fsync, rename, fsync of the directory; MoveFileEx with write-through
// on Windows) while holding an exclusive lock on the store (flock, or
// LockFileEx on Windows), so a killed manifold loses nothing and two
// manifolds do not overwrite each other's edits.
//
// A read-modify-write is atomic only when the modify step runs under the
// lock: Change and Update do that, and must be handed work that does no
// network I/O. An edit that needs the network, or that a user makes over
// time (the TUI), reads the list with its revision (LoadRev) and saves it
// with SaveIf, which refuses with a *ChangedError when another process
// saved the list in between.
package stagestore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/model"
)

// EnvDataDir overrides the data directory (tests, portable setups).
const EnvDataDir = "MANIFOLD_DATA_DIR"

// formatVersion is written into every file; newer files are refused rather
// than misread.
const formatVersion = 1

// ErrNotFound is returned for a name with no staged list.
var ErrNotFound = errors.New("no staged list with that name")

// ErrExists is returned when a name is already taken.
var ErrExists = errors.New("a staged list with that name already exists")

// ErrChanged is matched (errors.Is) by a *ChangedError.
var ErrChanged = errors.New("the staged list was changed by another manifold")

// ChangedError refuses a SaveIf or DiscardIf because the list on disk is no
// longer the revision the caller read. List and Revision are what is on
// disk now (List is nil when the list was discarded).
type ChangedError struct {
	Name     string
	List     *model.StagedList
	Revision int64
}

func (e *ChangedError) Error() string {
	if e.List == nil {
		return fmt.Sprintf("%s was discarded by another manifold", e.Name)
	}
	return fmt.Sprintf("%s was changed by another manifold since it was read", e.Name)
}

func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

// Store is a directory of staged lists.
type Store struct {
	dir string
	// now is the clock, replaceable in tests.
	now func() time.Time
	// disk makes writes durable and atomic; replaceable in tests.
	disk disk
}

// disk holds the calls whose order makes a write durable and atomic, so
// tests can count the fsyncs and crash a writer at a chosen point.
type disk struct {
	write  func(f *os.File, data []byte) (int, error)
	sync   func(f *os.File) error
	rename func(from, to string) error
}

var osDisk = disk{write: (*os.File).Write, sync: (*os.File).Sync, rename: replaceFile}

// DefaultDir is $MANIFOLD_DATA_DIR/staged, else manifold/staged under the
// user's data directory (userdirs.Data: $XDG_DATA_HOME or ~/.local/share on
// Linux and macOS, %AppData% on Windows).
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvDataDir); d != "" {
		return filepath.Join(d, "staged"), nil
	}
	d, err := userdirs.Data()
	if err != nil {
		return "", fmt.Errorf("find the data directory: %w (set %s)", err, EnvDataDir)
	}
	return filepath.Join(d, "manifold", "staged"), nil
}

// Open opens the store in DefaultDir, creating it.
func Open() (*Store, error) {
	dir, err := DefaultDir()
	if err != nil {
		return nil, err
	}
	return OpenDir(dir)
}

// OpenDir opens the store in dir, creating it (mode 0700: staged lists name
// private registries).
func OpenDir(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create staging directory: %w", err)
	}
	return &Store{dir: dir, now: time.Now, disk: osDisk}, nil
}

// Dir is the directory the store lives in.
func (s *Store) Dir() string { return s.dir }

type file struct {
	Version int `json:"version"`
	// Revision counts the saves of this list: a SaveIf of an older
	// revision is refused.
	Revision int64             `json:"revision,omitempty"`
	List     *model.StagedList `json:"list"`
}

// path maps a list name to its file. Names are references such as
// localhost:5000/app:v1, so they are escaped into one path element (and,
// on Windows, without the characters a file name cannot hold).
func (s *Store) path(name string) string {
	return filepath.Join(s.dir, escapeName(name)+".json")
}

// Path is the file the list called name is (or would be) saved in.
func (s *Store) Path(name string) string { return s.path(name) }

func escapeName(name string) string {
	e := url.PathEscape(name)
	if fileNameEscapes == "" {
		return e
	}
	var b strings.Builder
	for i := 0; i < len(e); i++ {
		if strings.IndexByte(fileNameEscapes, e[i]) >= 0 {
			fmt.Fprintf(&b, "%%%02X", e[i])
			continue
		}
		b.WriteByte(e[i])
	}
	return b.String()
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("a staged list needs a name")
	}
	if len(url.PathEscape(name)) > 200 {
		return fmt.Errorf("staged list name %q is too long", name)
	}
	return nil
}

// lock takes an exclusive lock on the store for the duration of one
// operation. A second process waits for it.
func (s *Store) lock() (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(s.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock staging directory: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock staging directory: %w", err)
	}
	return func() {
		_ = unlockFile(f)
		f.Close()
	}, nil
}

// Load reads the staged list called name.
func (s *Store) Load(name string) (*model.StagedList, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return s.load(name)
}

// LoadRev reads the staged list called name and the revision it is at,
// for a later SaveIf.
func (s *Store) LoadRev(name string) (*model.StagedList, int64, error) {
	if err := checkName(name); err != nil {
		return nil, 0, err
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, 0, err
	}
	defer unlock()
	f, err := s.read(name)
	if err != nil {
		return nil, 0, err
	}
	return f.List, f.Revision, nil
}

func (s *Store) load(name string) (*model.StagedList, error) {
	f, err := s.read(name)
	if err != nil {
		return nil, err
	}
	return f.List, nil
}

func (s *Store) read(name string) (*file, error) {
	raw, err := os.ReadFile(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read staged list %s: %w", name, err)
	}
	return decode(name, raw)
}

func decode(name string, raw []byte) (*file, error) {
	var f file
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("staged list %s is corrupt: %w", name, err)
	}
	if f.Version > formatVersion {
		return nil, fmt.Errorf("staged list %s was written by a newer manifold (format %d)", name, f.Version)
	}
	if f.List == nil {
		return nil, fmt.Errorf("staged list %s is empty", name)
	}
	return &f, nil
}

// revision is the revision of the list called name on disk: 0 when there
// is none (or it cannot be read, and is then replaced).
func (s *Store) revision(name string) int64 {
	f, err := s.read(name)
	if err != nil {
		return 0
	}
	return f.Revision
}

// Save writes l under l.Name, replacing what was there.
func (s *Store) Save(l *model.StagedList) error {
	if err := checkName(l.Name); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	return s.save(l)
}

// save writes l as the next revision of its name and returns it.
func (s *Store) save(l *model.StagedList) error {
	_, err := s.saveRev(l, s.revision(l.Name))
	return err
}

func (s *Store) saveRev(l *model.StagedList, prev int64) (int64, error) {
	l.Updated = s.now().UTC()
	rev := prev + 1
	raw, err := json.MarshalIndent(file{Version: formatVersion, Revision: rev, List: l}, "", "  ")
	if err != nil {
		return 0, fmt.Errorf("encode staged list %s: %w", l.Name, err)
	}
	return rev, s.disk.writeAtomic(s.dir, s.path(l.Name), append(raw, '\n'))
}

// SaveIf writes l under l.Name only if the list on disk is still at
// revision rev (0: there is none); else it returns a *ChangedError with what
// is there now. It returns the new revision.
func (s *Store) SaveIf(l *model.StagedList, rev int64) (int64, error) {
	if err := checkName(l.Name); err != nil {
		return 0, err
	}
	unlock, err := s.lock()
	if err != nil {
		return 0, err
	}
	defer unlock()
	if err := s.unchanged(l.Name, rev); err != nil {
		return 0, err
	}
	return s.saveRev(l, rev)
}

// unchanged checks that the list called name is at revision rev.
func (s *Store) unchanged(name string, rev int64) error {
	f, err := s.read(name)
	switch {
	case errors.Is(err, ErrNotFound):
		if rev == 0 {
			return nil
		}
		return &ChangedError{Name: name}
	case err != nil:
		return err
	case f.Revision != rev:
		return &ChangedError{Name: name, List: f.List, Revision: f.Revision}
	}
	return nil
}

// Change runs fn under the lock with the list called name as it is on disk
// (nil when there is none) and saves what fn returns; nothing is saved when
// fn fails. Two processes' Changes of one list never lose either's work. fn
// must not do network I/O: fetch first, then Change.
func (s *Store) Change(name string, fn func(cur *model.StagedList) (*model.StagedList, error)) (*model.StagedList, int64, error) {
	if err := checkName(name); err != nil {
		return nil, 0, err
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, 0, err
	}
	defer unlock()
	var cur *model.StagedList
	var rev int64
	f, err := s.read(name)
	switch {
	case err == nil:
		cur, rev = f.List, f.Revision
	case !errors.Is(err, ErrNotFound):
		return nil, 0, err
	}
	l, err := fn(cur)
	if err != nil {
		return nil, 0, err
	}
	if l.Name != name {
		return nil, 0, fmt.Errorf("change of %s changed its name: use Rename", name)
	}
	rev, err = s.saveRev(l, rev)
	if err != nil {
		return nil, 0, err
	}
	return l, rev, nil
}

// Create saves l, failing with ErrExists when the name is taken.
func (s *Store) Create(l *model.StagedList) error {
	if err := checkName(l.Name); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(s.path(l.Name)); err == nil {
		return fmt.Errorf("%s: %w", l.Name, ErrExists)
	}
	_, err = s.saveRev(l, 0)
	return err
}

// Update loads the list called name, lets fn change it and saves the result,
// all under the lock, so concurrent edits from two processes both land. The
// list is not saved when fn fails.
func (s *Store) Update(name string, fn func(*model.StagedList) error) (*model.StagedList, error) {
	l, _, err := s.Change(name, func(l *model.StagedList) (*model.StagedList, error) {
		if l == nil {
			return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
		}
		return l, fn(l)
	})
	return l, err
}

// Summary describes a staged list for listings.
type Summary struct {
	Name    string
	Target  string
	Entries int
	Updated time.Time
	// Err is set for a file that could not be read; it is listed so the
	// user sees it and can discard it.
	Err error
}

// List returns every staged list, sorted by name.
func (s *Store) List() ([]Summary, error) {
	unlock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list staged lists: %w", err)
	}
	var out []Summary
	for _, de := range des {
		n := de.Name()
		// Names may begin with a dot (".x", ".."): their files are
		// listed too, so no list is kept that the user cannot see. The
		// store's own files (.lock, .tmp-*) do not end in .json.
		if de.IsDir() || !strings.HasSuffix(n, ".json") {
			continue
		}
		name, err := url.PathUnescape(strings.TrimSuffix(n, ".json"))
		if err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(s.dir, n))
		if err != nil {
			out = append(out, Summary{Name: name, Err: err})
			continue
		}
		f, err := decode(name, raw)
		if err != nil {
			out = append(out, Summary{Name: name, Err: err})
			continue
		}
		l := f.List
		out = append(out, Summary{Name: name, Target: l.Target, Entries: len(l.Entries), Updated: l.Updated})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Rename gives a staged list a new name. It fails when the new name is
// taken.
func (s *Store) Rename(from, to string) error {
	if err := checkName(from); err != nil {
		return err
	}
	if err := checkName(to); err != nil {
		return err
	}
	if from == to {
		return nil
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := os.Stat(s.path(to)); err == nil {
		return fmt.Errorf("%s: %w", to, ErrExists)
	}
	l, err := s.load(from)
	if err != nil {
		return err
	}
	l.Name = to
	if err := s.save(l); err != nil {
		return err
	}
	return s.remove(from)
}

// Discard deletes a staged list.
func (s *Store) Discard(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	return s.remove(name)
}

// DiscardIf deletes a staged list only if it is still at revision rev
// (push --purge: a list edited during the push is kept).
func (s *Store) DiscardIf(name string, rev int64) error {
	if err := checkName(name); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.unchanged(name, rev); err != nil {
		return err
	}
	return s.remove(name)
}

func (s *Store) remove(name string) error {
	err := os.Remove(s.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("discard staged list %s: %w", name, err)
	}
	return s.disk.syncDir(s.dir)
}

// writeAtomic writes data to path so that a reader sees the old file or the
// new one, never a part: temp file in the same directory, fsync, rename,
// fsync of the directory.
func (d disk) writeAtomic(dir, path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("save staged list: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = d.write(tmp, data); err != nil {
		return fmt.Errorf("save staged list: %w", err)
	}
	if err = d.sync(tmp); err != nil {
		return fmt.Errorf("save staged list: fsync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("save staged list: %w", err)
	}
	if err = d.rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save staged list: %w", err)
	}
	return d.syncDir(dir)
}

// syncDir makes a rename in dir durable: an fsync of the directory where
// the system has one (not on Windows, where replaceFile writes through).
func (d disk) syncDir(dir string) error {
	if !dirSync {
		return nil
	}
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fsync staging directory: %w", err)
	}
	defer f.Close()
	if err := d.sync(f); err != nil {
		return fmt.Errorf("fsync staging directory: %w", err)
	}
	return nil
}
