package badge

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
)

// A badge whose holder, organisation or fair has an emoji in its name prints without it: one
// such name made the organisers' badges.pdf answer 500 for the whole fair.
func TestBadgesWithEmojiPrint(t *testing.T) {
	cards := []Card{
		{Code: "c1", Manual: "ABCD-EFGH", FairName: "🎉 Hội chợ OCOP Hà Nội", Kind: KindProducer, RoleLabel: "Chủ thể OCOP",
			Name: "HTX Mật ong Bắc Hà 🐝", Organisation: "Bắc Hà 🌸", Province: "Lào Cai"},
		{Code: "c2", Manual: "JKLM-NPQR", FairName: "Hội chợ OCOP Hà Nội", Kind: KindBuyer, RoleLabel: "Người mua", Name: "Siêu thị 🛒 Hương Việt"},
	}
	var buf bytes.Buffer
	if err := RenderCards(&buf, "Thẻ 🎫", cards); err != nil {
		t.Fatalf("badges with emoji: %v", err)
	}
	text := pdftext.Text(t, buf.Bytes())
	for _, want := range []string{"HTX Mật ong Bắc Hà", "Siêu thị Hương Việt", "Hội chợ OCOP Hà Nội", "ABCD-EFGH"} {
		if !strings.Contains(text, want) {
			t.Errorf("the badges lack %q:\n%s", want, text)
		}
	}
	// An organisation printed as the name is not printed twice.
	buf.Reset()
	if err := RenderCards(&buf, "Thẻ", []Card{{Code: "c3", Manual: "STUV-WXYZ", FairName: "Hội chợ", Kind: KindProducer, Name: "HTX Chè Tân Cương 🍵", Organisation: "HTX Chè Tân Cương"}}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(pdftext.Text(t, buf.Bytes()), "Tân Cương"); n != 1 {
		t.Errorf("a name and an organisation printed alike show %d times, want once", n)
	}
}
