package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/model/attest"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/list"
	"github.com/manifold-dev/manifold/ui/keys"
)

// The supply chain in the tree: under the index and each platform entry, a
// group of what is attached (signatures, provenance, SBOMs, other
// attestations), fetched after the tree's first paint so that paint costs
// no more than it did.

// Supplier continues a fetched tree with what is attached to it.
// *registry.Client satisfies it; a Registry that is not a Supplier shows
// no supply chain.
type Supplier interface {
	Supply(ctx context.Context, t *model.Tree) (*model.Tree, error)
}

// supplyMsg carries a tree with its supply chain.
type supplyMsg struct {
	page, req int
	tree      *model.Tree
	err       error
}

func (m supplyMsg) Target() int { return m.page }

// fetchSupply asks for what is attached to t, as request req of page.
func fetchSupply(ctx context.Context, reg common.Registry, t *model.Tree, page, req int) tea.Cmd {
	s, ok := reg.(Supplier)
	if !ok || t == nil {
		return nil
	}
	return common.WithRetries(ctx, page, func(ctx context.Context) tea.Msg {
		full, err := s.Supply(ctx, t)
		return supplyMsg{page: page, req: req, tree: full, err: err}
	})
}

// supplyItem is one row of a supply-chain group.
type supplyItem struct {
	kind  model.Kind
	parts []string // already safe
	bad   bool
	// raw is what v shows, with its title.
	rawTitle string
	raw      []byte
	sbom     *attest.SBOM
	where    string // "index" or the platform, for the SBOM page title
	// What the details pane shows.
	ref  *model.Referrer
	st   *attest.Statement
	sigs []*attest.Signature
}

// addSupply adds the supply-chain group of s under parent.
func addSupply(parent *node, s *model.Supply, where string) {
	if s == nil || len(s.Referrers) == 0 && len(s.Errs) == 0 && !s.Truncated {
		return // nothing attached: the header says "unsigned"
	}
	g := &node{kind: nodeSupply, key: parent.key + "/supply", depth: parent.depth + 1, parent: parent, supply: s}
	var cur *model.Referrer
	item := func(it *supplyItem) {
		it.where = where
		if it.ref == nil {
			it.ref = cur
		}
		g.children = append(g.children, &node{kind: nodeSupplyItem, key: fmt.Sprintf("%s/%d", g.key, len(g.children)),
			depth: g.depth + 1, parent: g, item: it})
	}
	for _, e := range s.Errs {
		item(&supplyItem{kind: model.KindOther, bad: true, parts: []string{"✗ lookup failed: " + termsafe.String(e)}})
	}
	for _, r := range s.Referrers {
		cur = r
		src := string(r.Source)
		var manifest []byte
		if r.Image != nil {
			manifest = r.Image.Raw
		}
		if r.Err != "" {
			item(&supplyItem{kind: r.Kind, bad: true, rawTitle: "referrer " + r.Digest, raw: manifest,
				parts: []string{string(r.Kind), src, common.ShortDigest(r.Digest), "✗ " + termsafe.String(r.Err)}})
			continue
		}
		a := r.Artifact
		if a == nil {
			item(&supplyItem{kind: r.Kind, rawTitle: "referrer " + r.Digest, raw: manifest,
				parts: []string{string(r.Kind), common.ShortMediaType(r.ArtifactType), src, common.ShortDigest(r.Digest)}})
			continue
		}
		signedBy := ""
		for _, sig := range a.Signatures {
			if r.Kind != model.KindSignature {
				signedBy = signatureText(sig) // a signed attestation: said on its row
				continue
			}
			parts := []string{"signature", src, signatureText(sig), common.ShortDigest(r.Digest)}
			item(&supplyItem{kind: model.KindSignature, bad: sig.Err != "", rawTitle: "signature manifest " + r.Digest, raw: manifest, parts: parts, sigs: []*attest.Signature{sig}})
		}
		for _, st := range a.Statements {
			it := statementItem(st, src)
			if signedBy != "" {
				it.parts = append(it.parts, signedBy)
				it.sigs = a.Signatures
			}
			item(it)
		}
		for _, sb := range a.SBOMs {
			item(&supplyItem{kind: model.KindSBOM, sbom: sb, rawTitle: "SBOM referrer " + r.Digest, raw: manifest,
				parts: []string{"SBOM", sb.Format, common.Plural(sb.Count, "package", "packages"), src}})
		}
		for _, e := range a.Errs {
			item(&supplyItem{kind: r.Kind, bad: true, rawTitle: "referrer " + r.Digest, raw: manifest, parts: []string{string(r.Kind), src, "✗ " + termsafe.String(e)}})
		}
	}
	if s.Truncated {
		item(&supplyItem{kind: model.KindOther, bad: true, parts: []string{fmt.Sprintf("more than %d referrers: the list was cut", model.MaxReferrers)}})
	}
	parent.children = append(parent.children, g)
}

func signatureText(sig *attest.Signature) string {
	switch {
	case sig.Err != "":
		return "✗ " + sig.Err
	case sig.Keyless:
		who := sig.Identity
		if sig.Issuer != "" {
			who += " (" + sig.Issuer + ")"
		}
		return "keyless by " + who + ": shown, not verified"
	}
	return "signed (not verified)"
}

func statementItem(st *attest.Statement, src string) *supplyItem {
	it := &supplyItem{kind: model.StatementKind(st), rawTitle: "statement " + st.PredicateType, raw: st.Raw, st: st}
	switch {
	case st.Provenance != nil:
		p := st.Provenance
		it.parts = []string{"provenance", "builder " + orDash(trimScheme(p.BuilderID)), trimScheme(sourceAt(p)), "SLSA " + p.SLSAVersion}
		if p.BuiltOn != nil {
			it.parts = append(it.parts, "built "+p.BuiltOn.Format("2006-01-02 15:04"))
		}
	case st.SBOM != nil:
		it.sbom = st.SBOM
		it.parts = []string{"SBOM", st.SBOM.Format, common.Plural(st.SBOM.Count, "package", "packages")}
	default:
		it.parts = []string{string(it.kind), termsafe.String(model.PredicateName(st.PredicateType))}
	}
	if st.PredicateErr != "" {
		it.bad = true
		it.parts = append(it.parts, "✗ "+st.PredicateErr)
	}
	it.parts = append(it.parts, src)
	return it
}

// sourceAt is source@revision, the revision cut to 12 characters.
func sourceAt(p *attest.Provenance) string {
	if p.Source == "" {
		return "source unknown"
	}
	rev := p.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return p.Source
	}
	return p.Source + "@" + rev
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// supplyHeader counts what is attached to the whole tree for the title
// line: "9 attestations · signed (not verified)".
func supplyHeader(t *model.Tree, loading bool) string {
	var all []*model.Supply
	if t.Supply != nil {
		all = append(all, t.Supply)
	}
	var walk func([]*model.Entry)
	walk = func(es []*model.Entry) {
		for _, e := range es {
			if e.Supply != nil {
				all = append(all, e.Supply)
			}
			walk(e.Children)
		}
	}
	walk(t.Entries)
	if len(all) == 0 {
		if loading {
			return "supply chain…"
		}
		return ""
	}
	sigs, other, failed := 0, 0, false
	for _, s := range all {
		sigs += s.Count(model.KindSignature)
		failed = failed || len(s.Errs) > 0
		for _, r := range s.Referrers {
			if r.Source != model.SourceIndex && r.Kind != model.KindSignature {
				other++ // attestations and SBOMs outside the index
			}
		}
	}
	state := "unsigned"
	switch {
	case sigs > 0:
		state = "signed (not verified)"
	case failed:
		state = "signatures unknown"
	}
	if other > 0 {
		return fmt.Sprintf("%d attached", other) + " · " + state
	}
	return state
}

// supplyParts renders a supply-chain row.
func (p *treePage) supplyParts(n *node) []string {
	s := p.C.Styles
	if n.kind == nodeSupply {
		parts := []string{s.Bold.Render("supply chain")}
		state := n.supply.SignatureState()
		st := s.Faint
		switch {
		case strings.HasPrefix(state, "signed"):
			st = s.OK
		case state == "signatures unknown":
			st = s.Warn
		}
		parts = append(parts, st.Render(state))
		if rest := n.supply.Summary()[1:]; len(rest) > 0 {
			parts = append(parts, s.Faint.Render(termsafe.String(strings.Join(rest, " · "))))
		}
		return parts
	}
	it := n.item
	parts := make([]string, 0, len(it.parts))
	for i, part := range it.parts {
		switch {
		case i == 0:
			parts = append(parts, s.Bold.Render(part))
		case it.bad && strings.HasPrefix(part, "✗"):
			parts = append(parts, s.Error.Render(part))
		default:
			parts = append(parts, part)
		}
	}
	if it.sbom != nil {
		parts = append(parts, s.Faint.Render("(enter: packages)"))
	}
	return parts
}

// sbomPage lists an SBOM's packages with the fuzzy filter.
type sbomPage struct {
	common.PageBase
	title string
	sbom  *attest.SBOM
	list  *list.Model
}

func newSBOMPage(c *common.Common, where string, sb *attest.SBOM) *sbomPage {
	p := &sbomPage{PageBase: common.NewPageBase(c), title: where, sbom: sb}
	p.list = list.New(c, p.PageID, "filter packages (name, version, license, purl)")
	return p
}

func (p *sbomPage) Crumb() string      { return "SBOM " + termsafe.String(p.title) }
func (p *sbomPage) InputFocused() bool { return p.list.Filtering() }
func (p *sbomPage) Filtered() bool     { return p.list.Pattern() != "" }
func (p *sbomPage) SetSize(w, h int)   { p.PageBase.SetSize(w, h); p.list.SetSize(w, h) }

// Init loads the package rows: name, version, license and purl in columns.
func (p *sbomPage) Init() tea.Cmd {
	wn, wv, wl := 8, 8, 8
	for _, pk := range p.sbom.Packages {
		wn, wv, wl = max(wn, len(pk.Name)), max(wv, len(pk.Version)), max(wl, len(pk.License))
	}
	wn, wv, wl = min(wn, 40), min(wv, 20), min(wl, 24)
	rows := make([]string, 0, len(p.sbom.Packages))
	for _, pk := range p.sbom.Packages {
		rows = append(rows, fmt.Sprintf("%-*s  %-*s  %-*s  %s", wn, pk.Name, wv, orDash(pk.Version), wl, orDash(pk.License), pk.PURL))
	}
	return p.list.Add(rows)
}

func (p *sbomPage) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && !p.list.Filtering() {
		if k, ok := keys.Match(p.Keys(), km); ok && k.Run != nil {
			return p, k.Run(km)
		}
	}
	cmd, _ := p.list.Update(msg)
	return p, cmd
}

func (p *sbomPage) View() string {
	s := p.C.Styles
	count := fmt.Sprintf("%s, %s", p.sbom.Format, common.Plural(p.sbom.Count, "package", "packages"))
	if p.list.Pattern() != "" {
		count = fmt.Sprintf("%d of %s", p.list.Shown(), count)
	}
	if p.sbom.Truncated {
		count += fmt.Sprintf(" (first %d listed)", len(p.sbom.Packages))
	}
	return p.list.View(s.Title.Render("SBOM "+termsafe.String(p.title)) + s.Faint.Render("  "+count))
}

func (p *sbomPage) Keys() []keys.Key {
	if p.list.Filtering() {
		return p.list.Keys()
	}
	k := p.C.Keys
	var ks []keys.Key
	for _, key := range p.list.Keys() {
		if key.Binding.Help().Desc != k.Open.Help().Desc { // a package opens nothing
			ks = append(ks, key)
		}
	}
	return append(ks,
		keys.Key{Binding: k.Copy, Group: keys.GroupAct, Footer: 6, When: func() bool { return p.list.Selected() != "" },
			Run: func(tea.KeyPressMsg) tea.Cmd { return common.CopyCmd(purlOf(p.list.Selected())) }},
	)
}

// purlOf returns the purl of a package row, or the row.
func purlOf(row string) string {
	f := strings.Fields(row)
	if len(f) > 0 && strings.HasPrefix(f[len(f)-1], "pkg:") {
		return f[len(f)-1]
	}
	return strings.TrimSpace(row)
}

// trimScheme drops https:// for display; the raw view keeps it.
func trimScheme(s string) string { return strings.TrimPrefix(s, "https://") }

func referrersSupportText(s model.Support) string {
	switch s {
	case model.SupportAPI:
		return "OCI referrers API"
	case model.SupportTagFallback:
		return "no referrers API: sha256-<hex> tag schema"
	}
	return "unknown"
}

// supplyDetails fills the side pane for a supply-chain row: everything
// decoded, uncut (the pane wraps).
func supplyDetails(it *supplyItem, head func(string), add func(label, value string)) {
	head(strings.ToUpper(string(it.kind[:1])) + string(it.kind[1:]))
	if r := it.ref; r != nil {
		add("found in", string(r.Source))
		add("tag", r.Tag)
		add("referrer", r.Digest)
		add("artifact type", r.ArtifactType)
	}
	if st := it.st; st != nil {
		add("predicate", st.PredicateType)
		for _, sub := range st.Subjects {
			add("subject", strings.TrimSpace(sub.Name+" "+sub.Digest))
		}
		if p := st.Provenance; p != nil {
			add("builder", p.BuilderID)
			add("build type", p.BuildType)
			add("source", p.Source)
			add("revision", p.Revision)
			if p.BuiltOn != nil {
				add("built", p.BuiltOn.Format("2006-01-02 15:04:05Z"))
			}
		}
	}
	if sb := it.sbom; sb != nil {
		add("format", sb.Format)
		add("packages", fmt.Sprint(sb.Count))
	}
	for _, sig := range it.sigs {
		add("signed digest", sig.SignedDigest)
		add("docker reference", sig.DockerReference)
		add("identity", sig.Identity)
		add("issuer", sig.Issuer)
		add("verified", "no: manifold verify --key checks it")
	}
}
