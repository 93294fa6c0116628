package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// stepOrganiserImportsAndReissuesClaimCode: the organiser imports producers from a spreadsheet
// and gets a claim code to hand over. The report is lost: the organiser finds the producer among
// the unclaimed profiles and issues a new code, which voids the one in the report. It returns
// the lost code and the new one.
func stepOrganiserImportsAndReissuesClaimCode(t *testing.T, org browser) (lost, code string) {
	t.Helper()
	sheet := filepath.Join(t.TempDir(), "ocop.csv")
	if err := os.WriteFile(sheet, []byte("Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n"+
		"Cơ sở Lụa Vạn Phúc,Hộ kinh doanh,0101234567,Hà Nội,Phường Vạn Phúc,0243 382 1234,Khăn lụa tơ tằm,Vải và may mặc,4,90/QĐ-UBND,UBND TP Hà Nội,01/06/2024,cái\n"+
		"Cơ sở Lụa Vạn Phúc,Hộ kinh doanh,0101234567,Hà Nội,Phường Vạn Phúc,0243 382 1234,Áo dài lụa,Vải và may mặc,7,91/QĐ-UBND,UBND TP Hà Nội,01/06/2024,cái\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	org.open("#/import")
	// The page says what the sheet must hold, in the column names the organiser writes.
	if cols := org.eval("document.querySelector('#import-columns').textContent"); !strings.Contains(cols, "Mã số thuế") || !strings.Contains(cols, "Ngày cấp") || strings.Contains(cols, "tax_code") {
		t.Errorf("the import page says of its columns %q", cols)
	}
	org.run(chromedp.SetUploadFiles("#import-file", []string{sheet}))
	org.submit("import")
	org.until("claim code in the import report", "document.querySelector('#import-report .claim-code strong')", false)
	// The report says its counts in words, and a refused cell by its column's name.
	if got := org.eval("document.querySelector('#import-summary').textContent + '|' + document.querySelector('#import-report tbody').textContent"); !strings.HasPrefix(got, "2 dòng: 1 sản phẩm đã tạo, 0 dòng bỏ qua (đã nhập trước đó), 1 dòng bị từ chối.|") ||
		!strings.Contains(got, "Số sao:") || strings.Contains(got, "stars:") {
		t.Errorf("the import report reads %q, want its counts in words and the refused row's column by name", got)
	}
	org.shot("import-claim-code")
	lost = org.eval("document.querySelector('#import-report .claim-code strong').textContent")
	org.open("#/import")
	silkRow := "[...document.querySelectorAll('#unclaimed-list tr')].find((r) => r.textContent.includes('Lụa Vạn Phúc'))"
	org.until("the imported producer among the unclaimed", silkRow, false)
	org.eval("(() => { window.confirm = () => true; " + silkRow + ".querySelector('button').click(); return '' })()")
	org.until("the new claim code in the row", silkRow+".querySelector('.claim-code strong')", false)
	org.shot("new-claim-code")
	code = org.eval(silkRow + ".querySelector('.claim-code strong').textContent")
	if code == lost || len(code) != 14 {
		t.Fatalf("new claim code %q, the import's was %q", code, lost)
	}
	return lost, code
}
