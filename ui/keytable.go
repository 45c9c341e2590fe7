package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/repos"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
	"github.com/manifold-dev/manifold/ui/styles"
)

// KeyTable renders every screen's keys, and the global ones, as the
// Markdown table in the README: the same Key data the footer and the help
// screen are drawn from (TestREADMEKeyTable keeps them equal).
func KeyTable() string {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.NoColor), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	resolved := &model.Tree{Repository: "localhost/x", MediaType: model.MediaTypeOCIIndex}
	stage := keys.Key{Binding: c.Keys.Stage}
	screens := []struct {
		name string
		keys []keys.Key
	}{
		{"repositories", repos.New(c, "localhost").Keys()},
		{"tags", append(tags.New(c, "localhost/x").Keys(), stage)},   // the tags page is Stageable
		{"tree", append(tree.New(c, "localhost/x:1").Keys(), stage)}, // so is the tree
		{"raw JSON", raw.New(c, "x", nil, "", nil).Keys()},
		{"resolve matrix", resolve.New(c, resolved, resolved.Reference).Keys()},
		{"staging", staging.New(c).HelpKeys()},
	}
	root := &Model{c: c, stack: []common.Page{repos.New(c, "localhost")}}
	type row struct {
		key, desc string
		where     []string
	}
	var rows []*row
	index := map[string]*row{}
	add := func(where string, keys []keys.Key) {
		for _, k := range keys {
			h := k.Binding.Help()
			if h.Key == "" {
				continue
			}
			id := h.Key + "\x00" + h.Desc
			r := index[id]
			if r == nil {
				r = &row{key: h.Key, desc: h.Desc}
				index[id] = r
				rows = append(rows, r)
			}
			if !slices.Contains(r.where, where) {
				r.where = append(r.where, where)
			}
		}
	}
	var global []keys.Key
	for _, k := range root.globalKeys() {
		if k.Binding.Help() != c.Keys.Stage.Help() {
			global = append(global, k)
		}
	}
	add("every screen", global)
	for _, s := range screens {
		add(s.name, s.keys)
	}
	var b strings.Builder
	b.WriteString("| key | what it does | where |\n|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", strings.ReplaceAll(r.key, "|", "\\|"), r.desc, strings.Join(r.where, ", "))
	}
	return b.String()
}
