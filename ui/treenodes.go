package ui

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
)

// nodeKind is what a row of the tree shows.
type nodeKind int

const (
	nodeIndex      nodeKind = iota // the top-level index
	nodeEntry                      // a descriptor of an index (platform entry, nested index, attestation)
	nodeManifest                   // a single-platform manifest
	nodeConfig                     // an image config
	nodeLayer                      // a layer
	nodeAnnotation                 // key = value
	nodeSupply                     // the supply-chain group of an image or index
	nodeSupplyItem                 // a signature, statement, SBOM or referrer
)

// node is one row of the tree, with the model object it shows.
type node struct {
	kind     nodeKind
	key      string // stable across refreshes: the path of digests
	depth    int
	parent   *node
	children []*node

	tree  *model.Tree
	entry *model.Entry
	image *model.Image
	desc  model.Descriptor
	layer int // 1-based layer number
	// annotation
	annKey, annValue string
	// supply chain
	supply *model.Supply
	item   *supplyItem
}

// expandable reports whether the node has children to show.
func (n *node) expandable() bool { return len(n.children) > 0 }

// buildNodes turns a tree into nodes: index → platform entries → manifest →
// config and layers, with each attestation under the image it describes.
func buildNodes(t *model.Tree) *node {
	if t == nil {
		return nil
	}
	if !t.IsIndex() {
		root := &node{kind: nodeManifest, key: "root", tree: t, image: t.Image,
			desc: model.Descriptor{MediaType: t.MediaType, Digest: t.Digest, Size: t.Size, Annotations: t.Annotations}}
		where := "image"
		if t.Image != nil && t.Image.Config != nil {
			where = t.Image.Config.Platform().String()
		}
		addSupply(root, t.Supply, where)
		if t.Image != nil {
			addImageChildren(root, t.Image)
		}
		return root
	}
	root := &node{kind: nodeIndex, key: "root", tree: t,
		desc: model.Descriptor{MediaType: t.MediaType, Digest: t.Digest, Size: t.Size, Annotations: t.Annotations}}
	addAnnotations(root, t.Annotations)
	addSupply(root, t.Supply, "index")
	addEntries(root, t.Entries)
	return root
}

// addEntries adds entries under parent, placing attestations under the entry
// they describe (or at the end when that entry is not in this index).
func addEntries(parent *node, entries []*model.Entry) {
	byDigest := map[string]*node{}
	var orphans []*model.Entry
	for i, e := range entries {
		if e.IsAttestation() {
			continue
		}
		n := entryNode(parent, e, i)
		byDigest[e.Digest] = n
		parent.children = append(parent.children, n)
	}
	for i, e := range entries {
		if !e.IsAttestation() {
			continue
		}
		if owner, ok := byDigest[attestedDigest(e)]; ok {
			owner.children = append(owner.children, entryNode(owner, e, i))
		} else {
			orphans = append(orphans, e)
		}
	}
	for i, e := range orphans {
		parent.children = append(parent.children, entryNode(parent, e, len(entries)+i))
	}
}

func attestedDigest(e *model.Entry) string {
	if e.AttestationFor != "" {
		return e.AttestationFor
	}
	return e.Annotations[model.AnnotationReferenceDigest]
}

func entryNode(parent *node, e *model.Entry, i int) *node {
	n := &node{kind: nodeEntry, key: fmt.Sprintf("%s/%d:%s", parent.key, i, e.Digest), depth: parent.depth + 1,
		parent: parent, entry: e, desc: e.Descriptor}
	addAnnotations(n, e.Annotations)
	switch {
	case len(e.Children) > 0:
		addAnnotations(n, e.NestedAnnotations)
		addEntries(n, e.Children)
	case e.Image != nil:
		if !e.IsAttestation() {
			where := "image " + common.ShortDigest(e.Digest)
			if e.Platform != nil {
				where = e.Platform.String()
			}
			addSupply(n, e.Supply, where)
		}
		m := &node{kind: nodeManifest, key: n.key + "/m", depth: n.depth + 1, parent: n, image: e.Image,
			desc: model.Descriptor{MediaType: e.Image.MediaType, Digest: e.Image.Digest, Size: e.Image.Size, Annotations: e.Image.Annotations}}
		addAnnotations(m, e.Image.Annotations)
		addImageChildren(m, e.Image)
		n.children = append(n.children, m)
	}
	return n
}

func addImageChildren(parent *node, im *model.Image) {
	parent.children = append(parent.children, &node{kind: nodeConfig, key: parent.key + "/c", depth: parent.depth + 1,
		parent: parent, image: im, desc: im.ConfigDescriptor})
	for i, l := range im.Layers {
		ln := &node{kind: nodeLayer, key: fmt.Sprintf("%s/l%d", parent.key, i), depth: parent.depth + 1,
			parent: parent, image: im, desc: l, layer: i + 1}
		addAnnotations(ln, l.Annotations)
		parent.children = append(parent.children, ln)
	}
}

func addAnnotations(parent *node, ann map[string]string) {
	keys := make([]string, 0, len(ann))
	for k := range ann {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parent.children = append(parent.children, &node{kind: nodeAnnotation, key: parent.key + "/a:" + k,
			depth: parent.depth + 1, parent: parent, annKey: k, annValue: ann[k]})
	}
}

// flatten lists the rows on screen: the nodes whose ancestors are expanded.
func flatten(root *node, expanded map[string]bool) []*node {
	if root == nil {
		return nil
	}
	var rows []*node
	var walk func(n *node)
	walk = func(n *node) {
		rows = append(rows, n)
		if expanded[n.key] {
			for _, c := range n.children {
				walk(c)
			}
		}
	}
	walk(root)
	return rows
}

// rawJSON returns what the raw view shows for a node: the registry's bytes
// for manifests, indexes and configs, the descriptor for the rest.
func rawJSON(n *node) (title string, raw []byte) {
	switch n.kind {
	case nodeIndex:
		return "index " + n.desc.Digest, n.tree.Raw
	case nodeManifest:
		if n.image != nil && n.image.Raw != nil {
			return "manifest " + n.desc.Digest, n.image.Raw
		}
		if n.tree != nil {
			return "manifest " + n.desc.Digest, n.tree.Raw
		}
	case nodeConfig:
		if n.image != nil && n.image.ConfigRaw != nil {
			return "config " + n.desc.Digest, n.image.ConfigRaw
		}
	case nodeEntry:
		if n.entry != nil && n.entry.NestedRaw != nil {
			return "index " + n.desc.Digest, n.entry.NestedRaw
		}
		if n.entry != nil && n.entry.Image != nil && n.entry.Image.Raw != nil {
			return "manifest " + n.desc.Digest, n.entry.Image.Raw
		}
	case nodeAnnotation:
		b, _ := json.Marshal(map[string]string{n.annKey: n.annValue})
		return "annotation", b
	case nodeSupplyItem:
		if n.item.raw != nil {
			return n.item.rawTitle, n.item.raw
		}
		b, _ := json.Marshal(map[string]string{"note": strings.Join(n.item.parts, "  ")})
		return "supply chain", b
	case nodeSupply:
		b, _ := json.Marshal(map[string]any{"summary": n.supply.Summary(), "referrersSupport": n.supply.Support, "errors": n.supply.Errs})
		return "supply chain", b
	}
	b, _ := json.Marshal(n.desc)
	return "descriptor " + n.desc.Digest, b
}
