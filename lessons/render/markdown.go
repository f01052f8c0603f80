package render

import (
	"bytes"
	"fmt"
	"html"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"pop3lab/lessons"
)

// MaxSize is the largest lesson file Parse accepts.
const MaxSize = 1 << 20

// The info strings of the custom fenced blocks.
const (
	blockPOP3      = "pop3"
	blockQuiz      = "quiz"
	blockCards     = "cards"
	blockChallenge = "challenge"
	blockBytes     = "bytes"
)

// doc is one lesson file on its way to a Lesson: the parsed markdown,
// its custom blocks, links and headings, and the problems found.
type doc struct {
	file   string
	slug   string
	source string // the file as given
	src    []byte // the file, front matter blanked out for goldmark
	lines  []int  // byte offset of the start of each line
	fm     frontMatter
	root   ast.Node

	headingIDs map[string]bool
	links      []link
	scenarios  []*scenarioBlock
	quizzes    []*lessons.Quiz
	decks      []*cardBlock
	challenges []*lessons.Challenge
	byteLinks  []*byteBlock
	blocks     map[ast.Node]any // *scenarioBlock, *lessons.Quiz, *cardBlock, *lessons.Challenge or *byteBlock by fence
	// tables are the column headings of each table, in order, to name
	// the scrollable region around it.
	tables []string

	problems []lineError
}

// link is a link or image destination in a lesson.
type link struct {
	line int
	dest string
	// file and fragment are set for links to lessons ("02-x.md#y") and
	// anchors in this lesson (file "").
	file, fragment string
	internal       bool
}

func (d *doc) errorf(line int, format string, args ...any) {
	d.problems = append(d.problems, lineError{line, fmt.Sprintf(format, args...)})
}

// lineOf returns the 1-based line holding byte offset off.
func (d *doc) lineOf(off int) int {
	return sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > off })
}

// parseDoc reads one lesson file: front matter, markdown, custom blocks,
// links. It does not resolve links to other lessons or run scenarios.
func parseDoc(file, source string) *doc {
	d := &doc{file: file, source: source, headingIDs: map[string]bool{}, blocks: map[ast.Node]any{}}
	d.slug = strings.TrimSuffix(path.Base(file), ".md")
	if !strings.HasSuffix(file, ".md") || !lessons.ValidSlug(d.slug) {
		d.errorf(0, "file name: want lower-case letters, digits and hyphens, ending in .md, such as 03-the-commands.md")
	}
	if len(source) > MaxSize {
		d.errorf(0, "the file is %d bytes; the limit is %d", len(source), MaxSize)
		return d
	}
	src := []byte(strings.ReplaceAll(source, "\r\n", "\n"))
	d.lines = []int{0}
	for i, b := range src {
		if b == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	var fmErrs []lineError
	d.fm, fmErrs = parseFrontMatter(strings.Split(string(src), "\n"))
	d.problems = append(d.problems, fmErrs...)
	if d.fm.End > 0 {
		// Blank the front matter so that goldmark sees the markdown at
		// the same offsets, and lines keep their numbers.
		end := len(src)
		if d.fm.End < len(d.lines) {
			end = d.lines[d.fm.End] - 1
		}
		for i := 0; i < end; i++ {
			if src[i] != '\n' {
				src[i] = ' '
			}
		}
	}
	d.src = src
	pc := parser.NewContext()
	d.root = newMarkdown(nil).Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	d.walk()
	return d
}

// newMarkdown configures goldmark: GFM, typographer, heading IDs, and no
// raw HTML (html.WithUnsafe stays off). r renders the custom blocks.
func newMarkdown(r *blockRenderer) goldmark.Markdown {
	opts := []goldmark.Option{
		goldmark.WithExtensions(extension.GFM, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	}
	if r != nil {
		opts = append(opts, goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(r, 100))))
	}
	return goldmark.New(opts...)
}

// walk collects headings, links and custom blocks, reports raw HTML and
// bad links, then neutralises bad links and points lesson links at the
// rendered pages.
func (d *doc) walk() {
	var unlink []ast.Node
	var counts = map[string]int{}
	ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if id, ok := n.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					d.headingIDs[string(b)] = true
				}
			}
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				seg := n.Lines().At(0)
				d.rawHTML(d.lineOf(seg.Start), seg.Value(d.src))
			}
		case *ast.RawHTML:
			if n.Segments.Len() > 0 {
				seg := n.Segments.At(0)
				d.rawHTML(d.lineOf(seg.Start), seg.Value(d.src))
			}
		case *ast.Link:
			if !d.addLink(d.lineOf(n.Pos()), string(n.Destination), false) {
				unlink = append(unlink, n)
			} else if dest, slug := rewriteLessonLink(n.Destination); slug != "" {
				// The page links to SLUG.html; inside the app, which
				// shows lessons in its own pane, data-lesson names the
				// lesson to open instead.
				n.Destination = dest
				n.SetAttributeString("data-lesson", []byte(slug))
			}
		case *ast.Image:
			if !d.addLink(d.lineOf(n.Pos()), string(n.Destination), true) {
				unlink = append(unlink, n)
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			url := string(n.URL(d.src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			if !d.addLink(d.lineOf(n.Pos()), url, false) {
				unlink = append(unlink, n)
			}
		case *ast.FencedCodeBlock:
			d.fencedBlock(n, counts)
			return ast.WalkSkipChildren, nil
		case *extast.Table:
			d.tables = append(d.tables, tableLabel(n, d.src))
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unlink {
		neutralise(n, d.src)
	}
	d.resolveByteLinks()
	for _, l := range d.links {
		if l.internal && l.file == "" && !d.headingIDs[l.fragment] {
			d.errorf(l.line, "link to #%s: no heading in this lesson has that ID%s", l.fragment, suggestIDs(d.headingIDs))
		}
	}
}

// rawHTML reports raw HTML, which the renderer leaves out: once a line,
// so that "<b>x</b>" is one problem.
func (d *doc) rawHTML(line int, b []byte) {
	for _, p := range d.problems {
		if p.Line == line && strings.HasPrefix(p.Msg, "raw HTML") {
			return
		}
	}
	first, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	d.errorf(line, "raw HTML is not allowed (goldmark leaves it out): %q; write it in a `code span` or as text", truncate(first, 40))
}

// schemePattern finds a URL scheme: letters, digits, "+", "-", "." before
// the first ":" (RFC 3986 §3.1).
var schemePattern = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// dangerousSchemes run code or smuggle content when clicked.
var dangerousSchemes = map[string]bool{"javascript": true, "data": true, "vbscript": true}

// addLink classifies a destination and records it. It returns false if
// the link must be neutralised.
func (d *doc) addLink(line int, dest string, image bool) bool {
	what := "link"
	if image {
		what = "image"
	}
	// Browsers drop ASCII tab and newline anywhere in a URL and leading
	// or trailing C0 controls and spaces (the WHATWG URL parser); look at
	// the URL as they will.
	norm := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, dest)
	norm = strings.TrimFunc(norm, func(r rune) bool { return r <= ' ' })
	if norm == "" {
		d.errorf(line, "%s without a destination", what)
		return false
	}
	if m := schemePattern.FindStringSubmatch(norm); m != nil {
		scheme := strings.ToLower(m[1])
		switch {
		case dangerousSchemes[scheme]:
			d.errorf(line, "%s to %q: %s: URLs are not allowed (they can run code); use http, https, mailto or a relative link", what, truncate(dest, 40), scheme)
			return false
		case image:
			d.errorf(line, "image %q: lessons have no images (the build publishes none, and the pages' Content-Security-Policy blocks remote ones); describe it in text or a table", truncate(dest, 40))
			return false
		case scheme == "http" || scheme == "https" || scheme == "mailto":
			d.links = append(d.links, link{line: line, dest: dest})
			return true
		default:
			d.errorf(line, "%s to %q: the %s: scheme is not allowed; use http, https, mailto or a relative link", what, truncate(dest, 40), scheme)
			return false
		}
	}
	if strings.HasPrefix(norm, "//") || strings.Contains(norm, `\`) {
		d.errorf(line, "%s to %q: write the scheme (https://) or a relative link to a lesson", what, truncate(dest, 40))
		return false
	}
	if image {
		d.errorf(line, "image %q: lessons have no images (the build publishes none, and the pages' Content-Security-Policy blocks remote ones); describe it in text or a table", truncate(dest, 40))
		return false
	}
	file, fragment, _ := strings.Cut(norm, "#")
	if file == "" {
		d.links = append(d.links, link{line: line, dest: dest, fragment: fragment, internal: true})
		return true
	}
	clean := path.Clean(file)
	if strings.Contains(clean, "/") || strings.HasPrefix(clean, ".") || !strings.HasSuffix(clean, ".md") || strings.Contains(clean, "?") {
		d.errorf(line, "link to %q: a relative link must name a lesson file (NAME.md) in the course folder", truncate(dest, 40))
		// Not dangerous: left as written, and broken.
		return true
	}
	d.links = append(d.links, link{line: line, dest: dest, file: clean, fragment: fragment, internal: true})
	return true
}

// rewriteLessonLink points "02-x.md#y" at the rendered page
// "02-x.html#y" and returns the lesson's slug; other destinations come
// back unchanged, with slug "".
func rewriteLessonLink(dest []byte) (rewritten []byte, slug string) {
	s := string(dest)
	if schemePattern.MatchString(s) {
		return dest, ""
	}
	file, fragment, hasFragment := strings.Cut(s, "#")
	if !strings.HasSuffix(file, ".md") {
		return dest, ""
	}
	slug = strings.TrimSuffix(path.Base(path.Clean(file)), ".md")
	s = strings.TrimSuffix(file, ".md") + ".html"
	if hasFragment {
		s += "#" + fragment
	}
	return []byte(s), slug
}

// neutralise replaces a link by its text, an image by its alt text.
func neutralise(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	switch n := n.(type) {
	case *ast.AutoLink:
		parent.ReplaceChild(parent, n, ast.NewString(n.Label(source)))
	case *ast.Image:
		var alt bytes.Buffer
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			alt.Write(nodeText(c, source))
		}
		parent.ReplaceChild(parent, n, ast.NewString(alt.Bytes()))
	default:
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}

// nodeText returns the plain text of an inline node and its children.
func nodeText(n ast.Node, source []byte) []byte {
	switch n := n.(type) {
	case *ast.Text:
		return n.Segment.Value(source)
	case *ast.String:
		return n.Value
	}
	var b bytes.Buffer
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		b.Write(nodeText(c, source))
	}
	return b.Bytes()
}

// suggestIDs lists the heading IDs of a lesson for an error message.
func suggestIDs(ids map[string]bool) string {
	if len(ids) == 0 {
		return ""
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, "#"+id)
	}
	sort.Strings(list)
	if len(list) > 8 {
		list = append(list[:8], "...")
	}
	return " (headings: " + strings.Join(list, ", ") + ")"
}

// fencedBlock parses a pop3, quiz, cards, challenge or bytes block.
func (d *doc) fencedBlock(n *ast.FencedCodeBlock, counts map[string]int) {
	lang := string(n.Language(d.src))
	if lang != blockPOP3 && lang != blockQuiz && lang != blockCards && lang != blockChallenge && lang != blockBytes {
		return
	}
	fence := 0
	if n.Info != nil {
		fence = d.lineOf(n.Info.Segment.Start)
	}
	var body strings.Builder
	lineMap := make([]int, n.Lines().Len())
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		body.Write(seg.Value(d.src))
		lineMap[i] = d.lineOf(seg.Start)
	}
	counts[lang]++
	b := block{fence: fence, source: body.String(), lines: lineMap}
	switch lang {
	case blockPOP3:
		sc := d.parseScenarioBlock(b, fmt.Sprintf("%s-%d", d.slug, counts[lang]))
		if sc != nil {
			d.scenarios = append(d.scenarios, sc)
			d.blocks[n] = sc
		}
	case blockQuiz:
		q, errs := parseQuiz(b, fmt.Sprintf("%s-quiz-%d", d.slug, counts[lang]))
		d.problems = append(d.problems, errs...)
		if len(errs) == 0 {
			d.quizzes = append(d.quizzes, q)
			d.blocks[n] = q
		}
	case blockCards:
		cb, errs := parseCards(b, d.slug)
		d.problems = append(d.problems, errs...)
		if len(errs) == 0 {
			d.decks = append(d.decks, cb)
			d.blocks[n] = cb
		}
	case blockChallenge:
		c, errs := parseChallenge(b, fmt.Sprintf("%s-challenge-%d", d.slug, counts[lang]))
		d.problems = append(d.problems, errs...)
		if len(errs) == 0 {
			d.challenges = append(d.challenges, c)
			d.blocks[n] = c
		}
	case blockBytes:
		bl, errs := parseByteLink(b, fmt.Sprintf("%s-bytes-%d", d.slug, counts[lang]))
		d.problems = append(d.problems, errs...)
		if len(errs) == 0 {
			d.byteLinks = append(d.byteLinks, bl)
			d.blocks[n] = bl
		}
	}
}

// block is the text of a custom fenced block and where its lines are.
type block struct {
	fence  int    // line of the opening fence
	source string // the content, lines ending in "\n"
	lines  []int  // markdown line of each content line
}

// line maps a 1-based line of the block to its markdown line.
func (b block) line(n int) int {
	if n >= 1 && n <= len(b.lines) {
		return b.lines[n-1]
	}
	if len(b.lines) > 0 && n > len(b.lines) {
		return b.lines[len(b.lines)-1]
	}
	return b.fence
}

// contentLines splits the block into lines without their "\n".
func (b block) contentLines() []string {
	lines := strings.Split(b.source, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// keyedLine is one "key: value" line of a block: its source line, the
// whole line trimmed, the key as written and the value trimmed; ok is
// false when the line has no colon.
type keyedLine struct {
	n               int
	line, key, rest string
	ok              bool
}

// keyedLines are the lines of a block written as "key: value", skipping
// blank lines and # comments; a line with a control character is passed
// to fail and skipped.
func (b block) keyedLines(fail func(line int, format string, args ...any)) []keyedLine {
	var out []keyedLine
	for i, raw := range b.contentLines() {
		n := b.line(i + 1)
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if hasControl(line) {
			fail(n, "control character in the line")
			continue
		}
		key, rest, ok := strings.Cut(line, ":")
		out = append(out, keyedLine{n, line, key, strings.TrimSpace(rest), ok})
	}
	return out
}

// render renders the markdown body, custom blocks included.
func (d *doc) render() (string, error) {
	var buf bytes.Buffer
	md := newMarkdown(&blockRenderer{blocks: d.blocks})
	if err := md.Renderer().Render(&buf, d.src, d.root); err != nil {
		return "", err
	}
	return wrapTables(buf.String(), d.tables), nil
}

// wrapTables puts every rendered table in a region that scrolls
// sideways, so that a table wider than the pane keeps its columns readable
// instead of breaking its words; the region is focusable so that keyboard
// users can scroll it, and named by the table's headings. The text
// "<table>" cannot come from a lesson otherwise: raw HTML is not rendered
// and text is escaped.
func wrapTables(body string, labels []string) string {
	var b strings.Builder
	for i := 0; ; i++ {
		at := strings.Index(body, "<table>")
		end := strings.Index(body, "</table>")
		if at < 0 || end < at {
			break
		}
		end += len("</table>")
		label := "Table"
		if i < len(labels) && labels[i] != "" {
			label = "Table: " + labels[i]
		}
		b.WriteString(body[:at])
		fmt.Fprintf(&b, `<div class="table-scroll" role="region" tabindex="0" aria-label="%s">`, html.EscapeString(label))
		b.WriteString(body[at:end])
		b.WriteString("</div>")
		body = body[end:]
	}
	b.WriteString(body)
	return b.String()
}

// tableLabel joins a table's column headings: "Port, Protocol, ...".
func tableLabel(t *extast.Table, source []byte) string {
	var cols []string
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		if _, ok := row.(*extast.TableHeader); !ok {
			continue
		}
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			if s := strings.TrimSpace(string(nodeText(c, source))); s != "" {
				cols = append(cols, s)
			}
		}
	}
	return strings.Join(cols, ", ")
}

// blockRenderer renders fenced code blocks: the custom ones from their
// parsed form, the others as goldmark does.
type blockRenderer struct {
	blocks map[ast.Node]any
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *blockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCodeBlock)
}

func (r *blockRenderer) renderFencedCodeBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	switch b := r.blocks[n].(type) {
	case *scenarioBlock:
		w.WriteString(scenarioHTML(b.Scenario))
		return ast.WalkSkipChildren, nil
	case *lessons.Quiz:
		w.WriteString(quizHTML(b))
		return ast.WalkSkipChildren, nil
	case *cardBlock:
		w.WriteString(b.html())
		return ast.WalkSkipChildren, nil
	case *lessons.Challenge:
		w.WriteString(challengeHTML(b))
		return ast.WalkSkipChildren, nil
	case *byteBlock:
		w.WriteString(b.html())
		return ast.WalkSkipChildren, nil
	}
	w.WriteString("<pre><code")
	if lang := n.Language(source); lang != nil {
		w.WriteString(` class="language-`)
		w.Write(util.EscapeHTML(lang))
		w.WriteString(`"`)
	}
	w.WriteString(">")
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		w.Write(util.EscapeHTML(seg.Value(source)))
	}
	w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

var _ renderer.NodeRenderer = (*blockRenderer)(nil)
