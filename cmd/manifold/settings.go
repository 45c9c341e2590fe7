package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/manifold-dev/manifold/internal/config"
	"github.com/manifold-dev/manifold/registry"
)

// settings are the effective values of what the config file can set, each
// with where it came from: a flag, the config file (with its line), the
// environment, or the default. Flags override the file; the file overrides
// the defaults.
type settings struct {
	path string       // the config file read ("" when none)
	file *config.File // its content (empty when it does not exist)

	registry     string
	caFiles      map[string]string
	mouse        bool
	resolveHosts []string // nil: the matrix's default rows
	cacheSize    int64
	limits       config.Limits

	sources map[string]string // key → "flag --x", "config file line N", "default", …
}

// loadSettings reads the config file and applies it under the flags the
// user set on cmd. It runs before every command (the root's
// PersistentPreRunE).
func (g *globals) loadSettings(cmd *cobra.Command) error {
	path := config.Path()
	f, err := config.Load(path)
	if err != nil {
		return fmt.Errorf("%w\n(fix the file, or point %s at another one)", err, config.EnvConfig)
	}
	s := &settings{path: path, file: f, mouse: true, sources: map[string]string{}}
	g.settings = s
	changed := func(flag string) bool {
		fl := cmd.Flags().Lookup(flag)
		return fl != nil && fl.Changed
	}
	fromFile := func(key string) string { return fmt.Sprintf("config file line %d", f.Lines[key]) }
	set := func(key, flag string, inFile bool, apply func()) {
		switch {
		case flag != "" && changed(flag):
			s.sources[key] = "flag --" + flag
		case inFile:
			apply()
			s.sources[key] = fromFile(key)
		default:
			s.sources[key] = "default"
		}
	}
	set("registry", "", f.Registry != "", func() { s.registry = f.Registry })
	set("insecure-registries", "insecure-registry", f.Insecure != nil, func() { g.insecure = f.Insecure })
	set("token-realms", "allow-token-realm", f.TokenRealms != nil, func() { g.realms = f.TokenRealms })
	set("ca-files", "", f.CAFiles != nil, func() { s.caFiles = f.CAFiles })
	set("theme", "theme", f.Theme != "", func() { g.theme = f.Theme })
	set("mouse", "mouse", f.Mouse != nil, func() { s.mouse = *f.Mouse })
	if changed("mouse") {
		s.mouse = g.mouse
	}
	set("readonly", "readonly", f.ReadOnly != nil, func() { g.readOnly = *f.ReadOnly })
	set("resolve-hosts", "", f.ResolveHosts != nil, func() { s.resolveHosts = f.ResolveHosts })
	set("cache.size", "", f.CacheSize != nil, func() {
		if s.cacheSize = *f.CacheSize; s.cacheSize == 0 {
			s.cacheSize = -1 // 0 in the file: no limit
		}
	})
	l := f.Limits
	set("limits.concurrency", "", l.Concurrency != 0, func() { s.limits.Concurrency = l.Concurrency })
	set("limits.page-size", "", l.PageSize != 0, func() { s.limits.PageSize = l.PageSize })
	set("limits.header-timeout", "", l.HeaderTimeout != 0, func() { s.limits.HeaderTimeout = l.HeaderTimeout })
	set("limits.stall-timeout", "", l.StallTimeout != 0, func() { s.limits.StallTimeout = l.StallTimeout })
	set("limits.attempts", "", l.Attempts != 0, func() { s.limits.Attempts = l.Attempts })
	set("limits.max-wait", "", l.MaxWait != 0, func() { s.limits.MaxWait = l.MaxWait })
	set("limits.list-page-bytes", "", l.ListPageBytes != 0, func() { s.limits.ListPageBytes = l.ListPageBytes })
	set("limits.list-pages", "", l.ListPages != 0, func() { s.limits.ListPages = l.ListPages })
	set("limits.request-timeout", "", l.RequestTimeout != 0, func() { s.limits.RequestTimeout = l.RequestTimeout })
	set("limits.min-rate", "", l.MinRate != 0, func() { s.limits.MinRate = l.MinRate })
	set("limits.manifest-bytes", "", l.ManifestBytes != 0, func() { s.limits.ManifestBytes = l.ManifestBytes })
	set("limits.child-bytes", "", l.ChildBytes != 0, func() { s.limits.ChildBytes = l.ChildBytes })
	set("limits.children", "", l.Children != 0, func() { s.limits.Children = l.Children })
	set("limits.tree-bytes", "", l.TreeBytes != 0, func() { s.limits.TreeBytes = l.TreeBytes })
	if s.sources["insecure-registries"] == "default" && len(registryEnvInsecure()) > 0 {
		s.sources["insecure-registries"] = "env " + registry.EnvInsecure
	}
	return nil
}

// apply puts the settings into a registry client's options.
func (s *settings) apply(o *registry.Options) {
	if s == nil {
		return
	}
	o.CAFiles = s.caFiles
	o.CacheMaxBytes = s.cacheSize
	l := s.limits
	o.Concurrency = l.Concurrency
	o.PageSize = l.PageSize
	o.Timeouts.Header = l.HeaderTimeout
	o.Timeouts.Stall = l.StallTimeout
	o.Timeouts.Attempts = l.Attempts
	o.Timeouts.MaxWait = l.MaxWait
	o.Limits.ListPageBytes = l.ListPageBytes
	o.Limits.ListPages = l.ListPages
	o.Timeouts.Total = l.RequestTimeout
	o.Timeouts.MinRate = l.MinRate
	o.Limits.ManifestBytes = l.ManifestBytes
	o.Limits.ChildBytes = l.ChildBytes
	o.Limits.Children = l.Children
	o.Limits.TreeBytes = l.TreeBytes
}

// effective lists every setting, its value and its source, in the config
// file's key order.
func (g *globals) effective() [][3]string {
	s := g.settings
	o := g.clientOptions()
	to := registry.EffectiveTimeouts(o.Timeouts)
	lim := registry.EffectiveLimits(o.Limits)
	page := o.PageSize
	// Unset, the tree fetch's limit adapts to the registry and pushes send
	// DefaultConcurrency at a time; set, it is both (registry.Options).
	conc := strconv.Itoa(o.Concurrency)
	if o.Concurrency == 0 {
		conc = fmt.Sprintf("adaptive for tree fetches (%d at first, up to %d, halved when a registry pushes back); %d children at a time for pushes",
			registry.TreeConcurrencyStart, registry.TreeConcurrencyMax, registry.DefaultConcurrency)
	}
	pageSize := strconv.Itoa(page)
	if page == 0 {
		pageSize = "the registry's for tags, " + strconv.Itoa(registry.DefaultPageSize) + " for catalogs"
	}
	insecure := append(append([]string(nil), g.insecure...), registryEnvInsecure()...)
	var cas []string
	for h, f := range s.caFiles {
		cas = append(cas, h+"="+f)
	}
	hosts := "the built-in rows"
	if s.resolveHosts != nil {
		hosts = strings.Join(s.resolveHosts, ", ")
	}
	cache := strconv.FormatInt(registry.DefaultCacheBytes, 10) + " bytes"
	switch {
	case s.cacheSize > 0:
		cache = strconv.FormatInt(s.cacheSize, 10) + " bytes"
	case s.cacheSize < 0:
		cache = "no limit"
	}
	theme := g.theme
	if theme == "" {
		theme = "from the terminal background"
	}
	reg := s.registry
	if reg == "" {
		reg = "the one browsed last"
	}
	val := map[string]string{
		"registry":               reg,
		"insecure-registries":    orNone(strings.Join(insecure, ", ")),
		"token-realms":           orNone(strings.Join(append(append([]string(nil), g.realms...), envList(registry.EnvTokenRealms)...), ", ")),
		"ca-files":               orNone(strings.Join(sortStrings(cas), ", ")),
		"theme":                  theme,
		"mouse":                  strconv.FormatBool(s.mouse),
		"readonly":               strconv.FormatBool(g.readOnly),
		"resolve-hosts":          hosts,
		"cache.size":             cache,
		"limits.concurrency":     conc,
		"limits.page-size":       pageSize,
		"limits.header-timeout":  to.Header.String(),
		"limits.stall-timeout":   to.Stall.String(),
		"limits.attempts":        strconv.Itoa(to.Attempts),
		"limits.max-wait":        to.MaxWait.String(),
		"limits.list-page-bytes": strconv.FormatInt(lim.ListPageBytes, 10),
		"limits.list-pages":      strconv.Itoa(lim.ListPages),
		"limits.request-timeout": to.Total.String(),
		"limits.min-rate":        strconv.FormatInt(to.MinRate, 10),
		"limits.manifest-bytes":  strconv.FormatInt(lim.ManifestBytes, 10),
		"limits.child-bytes":     strconv.FormatInt(lim.ChildBytes, 10),
		"limits.children":        strconv.Itoa(lim.Children),
		"limits.tree-bytes":      strconv.FormatInt(lim.TreeBytes, 10),
	}
	out := make([][3]string, 0, len(val))
	for _, k := range config.Keys() {
		out = append(out, [3]string{k, val[k], s.sources[k]})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func sortStrings(s []string) []string { slices.Sort(s); return s }

// registryEnvInsecure is what MANIFOLD_INSECURE_REGISTRIES adds.
func registryEnvInsecure() []string {
	var out []string
	for _, h := range strings.Split(os.Getenv(registry.EnvInsecure), ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// envList splits a comma-separated environment variable.
func envList(name string) []string {
	var out []string
	for _, h := range strings.Split(os.Getenv(name), ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
