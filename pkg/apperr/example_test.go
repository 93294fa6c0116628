package apperr_test

import (
	"fmt"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// errAlreadyApplied is defined once, next to the code that returns it.
var errAlreadyApplied = apperr.M("test.application_exists",
	"Bạn đã có đơn đăng ký tham gia hội chợ %s; hãy rút đơn trước khi đăng ký lại.",
	"You already have an application to the fair %s; withdraw it before applying again.")

func ExampleNew() {
	err := apperr.New(apperr.Conflict, errAlreadyApplied, "Tuần hàng OCOP Hà Nội")
	fmt.Println(err.Code())
	fmt.Println(err.Detail(apperr.Vietnamese))
	fmt.Println(err.Detail(apperr.English))
	// Output:
	// test.application_exists
	// Bạn đã có đơn đăng ký tham gia hội chợ Tuần hàng OCOP Hà Nội; hãy rút đơn trước khi đăng ký lại.
	// You already have an application to the fair Tuần hàng OCOP Hà Nội; withdraw it before applying again.
}

func ExampleValidation() {
	var v apperr.Validation
	v.Expect(len("") > 0, "name", apperr.Required)
	v.Fail("format", apperr.OneOf, apperr.Or{"json", "csv", "xlsx"})
	for _, f := range v.Err().(*apperr.Error).Fields {
		fmt.Println(f.Field, f.Localize(apperr.English).Code, "|", f.Localize(apperr.English).Message, "|", f.Localize(apperr.Vietnamese).Message)
	}
	// Output:
	// name required | is required | bắt buộc phải có
	// format one_of | must be json, csv or xlsx | phải là json, csv hoặc xlsx
}

// errCertificateExpires is a reason kept on an application and read in each reader's language.
var errCertificateExpires = apperr.M("test.certificate_expires",
	"Giấy chứng nhận OCOP của %[1]s hết hạn ngày %[2]s, trước khi hội chợ kết thúc.",
	"The OCOP certificate of %[1]s expires on %[2]s, before the fair ends.")

func ExampleStored() {
	reason := errCertificateExpires.Store("Mật ong bạc hà", "20/05/2026")
	fmt.Println(reason.Code, reason.Args)
	fmt.Println(reason.In(apperr.Vietnamese))
	fmt.Println(reason.In(apperr.English))
	// Output:
	// test.certificate_expires [{text Mật ong bạc hà} {text 20/05/2026}]
	// Giấy chứng nhận OCOP của Mật ong bạc hà hết hạn ngày 20/05/2026, trước khi hội chợ kết thúc.
	// The OCOP certificate of Mật ong bạc hà expires on 20/05/2026, before the fair ends.
}
