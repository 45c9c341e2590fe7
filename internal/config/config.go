// Package config reads manifold's config file:
// $MANIFOLD_CONFIG, else $XDG_CONFIG_HOME/manifold/config.yaml
// (os.UserConfigDir: ~/.config on Linux, ~/Library/Application Support on
// macOS, %AppData% on Windows). Every key is optional; flags override the
// file and the file overrides the defaults. An unknown key or a bad value
// is an error naming the line, with "did you mean" for a near miss.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/manifold-dev/manifold/internal/userdirs"
	"github.com/manifold-dev/manifold/model"
)

// EnvConfig names the config file, overriding the default path.
const EnvConfig = "MANIFOLD_CONFIG"

// File is the config file's content. Pointers and empty values mean "not
// set" (the default applies).
type File struct {
	Registry     string            // registry: the registry opened with no argument
	Insecure     []string          // insecure-registries: hosts reached over plain HTTP
	TokenRealms  []string          // token-realms: token servers allowed on a private address
	CAFiles      map[string]string // ca-files: host → PEM file of CAs trusted for it
	Theme        string            // theme: dark, light, high-contrast, none, a file or a name
	Mouse        *bool             // mouse: false turns mouse reporting off
	ReadOnly     *bool             // readonly: true refuses every registry write
	ResolveHosts []string          // resolve-hosts: the rows of the resolve matrix
	CacheSize    *int64            // cache.size: bytes of the content cache ("512MiB")
	Limits       Limits            // limits: request limits

	// Lines holds the line of each key set, by its dotted path
	// ("limits.concurrency"), for `manifold info`.
	Lines map[string]int
}

// Limits are the request limits; zero is the default.
type Limits struct {
	Concurrency    int           // limits.concurrency: parallel fetches
	PageSize       int           // limits.page-size: n= of catalog and tag pages (unset: see registry.Client.Tags)
	HeaderTimeout  time.Duration // limits.header-timeout: wait for response headers
	StallTimeout   time.Duration // limits.stall-timeout: a body must progress in this window
	Attempts       int           // limits.attempts: tries of one GET/HEAD on 429 or 5xx
	MaxWait        time.Duration // limits.max-wait: longest wait between tries
	ListPageBytes  int64         // limits.list-page-bytes: cap of one tags or catalog page
	ListPages      int           // limits.list-pages: most pages one listing follows
	RequestTimeout time.Duration // limits.request-timeout: deadline of one request up to 4 MiB
	MinRate        int64         // limits.min-rate: bytes per second a larger body must average
	ManifestBytes  int64         // limits.manifest-bytes: cap of a top-level manifest
	ChildBytes     int64         // limits.child-bytes: cap of a child manifest or config
	Children       int           // limits.children: children fetched at once per index
	TreeBytes      int64         // limits.tree-bytes: bytes one tree keeps
}

// Path is the config file manifold reads: $MANIFOLD_CONFIG, else the user
// config dir's manifold/config.yaml; "" when there is no config dir.
func Path() string {
	if p := os.Getenv(EnvConfig); p != "" {
		return p
	}
	p, _ := userdirs.Config("config.yaml")
	return p
}

// Load reads the file at path. A missing file is an empty File (every
// default applies) unless the path was named by MANIFOLD_CONFIG.
func Load(path string) (*File, error) {
	f := &File{Lines: map[string]int{}}
	if path == "" {
		return f, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && os.Getenv(EnvConfig) != path {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if err := Parse(b, f); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return f, nil
}

// key is one key of the file: its dotted path, what it holds (for the
// error messages) and how it is set.
type key struct {
	path string
	want string
	set  func(f *File, n *yaml.Node) error
}

// keys is the schema, in the order `manifold info` shows them.
var keys = []key{
	{"registry", "a registry host, e.g. ghcr.io or localhost:5000", func(f *File, n *yaml.Node) error { return str(n, &f.Registry) }},
	{"insecure-registries", "a list of hosts reached over plain HTTP", func(f *File, n *yaml.Node) error { return strList(n, &f.Insecure) }},
	{"token-realms", "a list of token-server hosts allowed on a private address", func(f *File, n *yaml.Node) error { return strList(n, &f.TokenRealms) }},
	{"ca-files", "a map of host: PEM file", func(f *File, n *yaml.Node) error { return strMap(n, &f.CAFiles) }},
	{"theme", "dark, light, high-contrast, none, a theme file or a theme name", func(f *File, n *yaml.Node) error { return str(n, &f.Theme) }},
	{"mouse", "true or false", func(f *File, n *yaml.Node) error { return boolPtr(n, &f.Mouse) }},
	{"readonly", "true or false", func(f *File, n *yaml.Node) error { return boolPtr(n, &f.ReadOnly) }},
	{"resolve-hosts", "a list of platforms, e.g. [linux/amd64, linux/arm/v7, windows/amd64:10.0.20348]", func(f *File, n *yaml.Node) error { return strList(n, &f.ResolveHosts) }},
	{"cache.size", "a size, e.g. 512MiB, 2GB or 0 (no limit)", func(f *File, n *yaml.Node) error {
		v, err := parseSize(n.Value)
		if err != nil || n.Kind != yaml.ScalarNode {
			return errWant
		}
		f.CacheSize = &v
		return nil
	}},
	{"limits.concurrency", "a positive number of parallel requests", func(f *File, n *yaml.Node) error { return posInt(n, &f.Limits.Concurrency) }},
	{"limits.page-size", "a positive number of names per page", func(f *File, n *yaml.Node) error { return posInt(n, &f.Limits.PageSize) }},
	{"limits.header-timeout", "a duration, e.g. 30s", func(f *File, n *yaml.Node) error { return dur(n, &f.Limits.HeaderTimeout) }},
	{"limits.stall-timeout", "a duration, e.g. 30s", func(f *File, n *yaml.Node) error { return dur(n, &f.Limits.StallTimeout) }},
	{"limits.attempts", "a positive number of tries", func(f *File, n *yaml.Node) error { return posInt(n, &f.Limits.Attempts) }},
	{"limits.max-wait", "a duration, e.g. 15s", func(f *File, n *yaml.Node) error { return dur(n, &f.Limits.MaxWait) }},
	{"limits.list-page-bytes", "a size, e.g. 16MiB", func(f *File, n *yaml.Node) error { return posSize(n, &f.Limits.ListPageBytes) }},
	{"limits.list-pages", "a positive number of pages", func(f *File, n *yaml.Node) error { return posInt(n, &f.Limits.ListPages) }},
	{"limits.request-timeout", "a duration, e.g. 2m", func(f *File, n *yaml.Node) error { return dur(n, &f.Limits.RequestTimeout) }},
	{"limits.min-rate", "a size per second, e.g. 32KiB", func(f *File, n *yaml.Node) error { return posSize(n, &f.Limits.MinRate) }},
	{"limits.manifest-bytes", "a size, e.g. 4MiB", func(f *File, n *yaml.Node) error { return posSize(n, &f.Limits.ManifestBytes) }},
	{"limits.child-bytes", "a size, e.g. 1MiB", func(f *File, n *yaml.Node) error { return posSize(n, &f.Limits.ChildBytes) }},
	{"limits.children", "a positive number of children", func(f *File, n *yaml.Node) error { return posInt(n, &f.Limits.Children) }},
	{"limits.tree-bytes", "a size, e.g. 64MiB", func(f *File, n *yaml.Node) error { return posSize(n, &f.Limits.TreeBytes) }},
}

// posSize reads a positive size ("16MiB") into dst.
func posSize(n *yaml.Node, dst *int64) error {
	v, err := parseSize(n.Value)
	if err != nil || v <= 0 || n.Kind != yaml.ScalarNode {
		return errWant
	}
	*dst = v
	return nil
}

// Keys lists every key's dotted path.
func Keys() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.path
	}
	return out
}

var errWant = errors.New("bad value")

// Parse reads b into f.
func Parse(b []byte, f *File) error {
	if f.Lines == nil {
		f.Lines = map[string]int{}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err // yaml's errors name the line
	}
	if len(doc.Content) == 0 {
		return nil // an empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: the file must be a mapping of keys (registry: …, readonly: …)", root.Line)
	}
	return parseMapping(root, "", f)
}

func parseMapping(m *yaml.Node, prefix string, f *File) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn, vn := m.Content[i], m.Content[i+1]
		path := prefix + kn.Value
		if _, dup := f.Lines[path]; dup {
			return fmt.Errorf("line %d: %s is set twice (first on line %d)", kn.Line, path, f.Lines[path])
		}
		k, ok := lookup(path)
		if !ok {
			if isSection(path) && vn.Kind == yaml.MappingNode {
				if err := parseMapping(vn, path+".", f); err != nil {
					return err
				}
				continue
			}
			msg := fmt.Sprintf("line %d: unknown key %q", kn.Line, path)
			if s := suggest(path); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			return errors.New(msg + " (manifold info lists the keys)")
		}
		if err := k.set(f, vn); err != nil {
			v := vn.Value
			if vn.Kind != yaml.ScalarNode {
				v = map[yaml.Kind]string{yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}[vn.Kind]
			}
			msg := fmt.Sprintf("line %d: %s: %q is not %s", vn.Line, path, v, k.want)
			if s := suggestValue(k, vn); s != "" {
				msg += fmt.Sprintf("; did you mean %s?", s)
			}
			return errors.New(msg)
		}
		f.Lines[path] = kn.Line
	}
	return nil
}

func lookup(path string) (key, bool) {
	for _, k := range keys {
		if k.path == path {
			return k, true
		}
	}
	return key{}, false
}

func isSection(path string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k.path, path+".") {
			return true
		}
	}
	return false
}

// suggest returns the known key nearest to path (at most 3 edits away, or
// the same last component in another section).
func suggest(path string) string {
	best, bestD := "", 4
	last := path[strings.LastIndexByte(path, '.')+1:]
	for _, k := range keys {
		d := distance(path, k.path)
		if kl := k.path[strings.LastIndexByte(k.path, '.')+1:]; kl == last || distance(last, kl) < 2 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = k.path, d
		}
	}
	return best
}

// suggestValue proposes a value for a near-miss boolean ("yes", "ture").
func suggestValue(k key, n *yaml.Node) string {
	if k.want != "true or false" || n.Kind != yaml.ScalarNode {
		return ""
	}
	switch strings.ToLower(n.Value) {
	case "yes", "on", "y", "1", "enable", "enabled":
		return "true"
	case "no", "off", "n", "0", "disable", "disabled":
		return "false"
	}
	if distance(strings.ToLower(n.Value), "true") <= 2 {
		return "true"
	}
	if distance(strings.ToLower(n.Value), "false") <= 2 {
		return "false"
	}
	return ""
}

// distance is the edit distance of a and b.
func distance(a, b string) int { return model.EditDistance(a, b) }

func str(n *yaml.Node, dst *string) error {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return errWant
	}
	*dst = n.Value
	return nil
}

func strList(n *yaml.Node, dst *[]string) error {
	if n.Kind != yaml.SequenceNode {
		return errWant
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode || c.Value == "" {
			return errWant
		}
		out = append(out, c.Value)
	}
	*dst = out
	return nil
}

func strMap(n *yaml.Node, dst *map[string]string) error {
	if n.Kind != yaml.MappingNode {
		return errWant
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Value == "" {
			return errWant
		}
		out[k.Value] = v.Value
	}
	*dst = out
	return nil
}

func boolPtr(n *yaml.Node, dst **bool) error {
	if n.Kind != yaml.ScalarNode {
		return errWant
	}
	// YAML 1.2 booleans only: "yes" is a string, and a near miss.
	switch n.Value {
	case "true", "True", "TRUE":
		v := true
		*dst = &v
	case "false", "False", "FALSE":
		v := false
		*dst = &v
	default:
		return errWant
	}
	return nil
}

func posInt(n *yaml.Node, dst *int) error {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 {
		return errWant
	}
	*dst = v
	return nil
}

func dur(n *yaml.Node, dst *time.Duration) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 {
		return errWant
	}
	*dst = v
	return nil
}

// parseSize reads "512MiB", "2GB", "1.5G", "1048576", "0".
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
	}
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return 0, errWant
	}
	return int64(v * mult), nil
}

// SetResolveHosts rewrites resolve-hosts in the file at path, keeping the
// rest of the file (comments included) as it is; the file is created when
// it does not exist. Written to a temp file and renamed into place.
func SetResolveHosts(path string, hosts []string) error {
	if path == "" {
		return errors.New("no config file path (set " + EnvConfig + ")")
	}
	var doc yaml.Node
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("config file: %w", err)
	default:
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("config file %s: %w", path, err)
		}
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config file %s: not a mapping of keys", path)
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, h := range hosts {
		seq.Content = append(seq.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: h})
	}
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "resolve-hosts" {
			root.Content[i+1], found = seq, true
		}
	}
	if !found {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "resolve-hosts"}, seq)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*.yaml")
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	_, werr := tmp.Write(out)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("config file: %w", errors.Join(werr, cerr))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("config file: %w", err)
	}
	return nil
}
