/**
 * Vietnamese strings of the wallet itself: its gate (passcode, passkey), the first
 * download and the document list: loaded with those screens, read
 * through `tw()` from ./wallet. The source of the keys: wallet-unlock-en.ts must have exactly these.
 * `{name}` marks a parameter.
 */
export const walletUnlockVi = {
  'wallet.title': 'Ví giấy tờ',
  'wallet.absentLead': 'Tải giấy tờ do cơ quan nhà nước cấp về điện thoại này để xuất trình cả khi không có mạng. Giấy tờ được mã hóa trên máy và mở bằng mã mở ví gồm 6 chữ số.',
  'wallet.download': 'Tải giấy tờ về máy',
  'wallet.downloading': 'Đang tải giấy tờ…',
  'wallet.needOnline': 'Cần có mạng để tải giấy tờ lần đầu.',
  'wallet.signInAgain': 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại để tải giấy tờ.',
  'wallet.noDeviceKey': 'Điện thoại này chưa có khóa thiết bị của tài khoản, nên không nhận được giấy tờ.',
  'wallet.empty': 'Tài khoản chưa có giấy tờ nào.',
  'wallet.count': '{count} giấy tờ trên máy này',
  'wallet.syncedAt': 'Cập nhật lần cuối {time}',
  'wallet.sync': 'Cập nhật giấy tờ',
  'wallet.syncing': 'Đang cập nhật giấy tờ…',
  'wallet.synced': 'Giấy tờ đã được cập nhật.',
  'wallet.offline': 'Không có mạng: đang xem giấy tờ lưu trên máy.',
  'wallet.syncFailed': 'Chưa cập nhật được giấy tờ. {reason}',
  'wallet.lock': 'Khóa ví',
  'wallet.back': 'Về ví giấy tờ',
  'wallet.notFound': 'Không tìm thấy giấy tờ này trong ví.',
  'wallet.holderOf': 'Giấy tờ của {name}',
  'wallet.copyExpires': 'Bản điện tử có hiệu lực đến {date}',
  'wallet.copyExpired': 'Bản điện tử đã hết hạn: hãy cập nhật khi có mạng.',
  'wallet.showQr': 'Xuất trình mã QR',
  'wallet.wipedTitle': 'Ví trên máy này đã bị xóa',
  'wallet.wiped': 'Mã mở ví bị nhập sai {max} lần liên tiếp nên giấy tờ trên máy đã bị xóa để bảo vệ bạn. Tài khoản và khóa thiết bị vẫn còn: khi có mạng, hãy tải lại giấy tờ và đặt mã mới.',

  'passcode.setTitle': 'Đặt mã mở ví',
  'passcode.setLead': 'Đã tải {count} giấy tờ. Đặt mã gồm 6 chữ số để mở ví, kể cả khi không có mạng. Đừng dùng ngày sinh hay dãy số dễ đoán.',
  'passcode.new': 'Mã mở ví mới (6 chữ số)',
  'passcode.confirm': 'Nhập lại mã mở ví',
  'passcode.save': 'Lưu mã và mở ví',
  'passcode.saving': 'Đang mã hóa giấy tờ…',
  'passcode.format': 'Mã gồm đúng 6 chữ số.',
  'passcode.weak': 'Mã này quá dễ đoán (như 123456 hay 111111). Hãy chọn mã khác.',
  'passcode.mismatch': 'Hai lần nhập không khớp nhau.',
  'passcode.unlockTitle': 'Mở ví giấy tờ',
  'passcode.unlockLead': 'Giấy tờ trên máy được mã hóa. Nhập mã mở ví để xem và xuất trình.',
  'passcode.label': 'Mã mở ví',
  'passcode.unlock': 'Mở ví',
  'passcode.checking': 'Đang mở ví…',
  'passcode.wrong': 'Mã không đúng. Còn {left} lần thử; sai {max} lần liên tiếp thì giấy tờ trên máy sẽ bị xóa.',
  'passcode.lastTry': 'Mã không đúng. Còn 1 lần thử: nếu sai nữa, giấy tờ trên máy sẽ bị xóa.',
  'passcode.or': 'hoặc',
  'passcode.usePasskey': 'Mở bằng khóa truy cập',
  'passcode.passkeyFailed': 'Không mở được ví bằng khóa truy cập. Hãy nhập mã mở ví.',

  'passkey.offerTitle': 'Mở ví bằng khóa truy cập?',
  'passkey.offerLead': 'Dùng vân tay, khuôn mặt hoặc khóa màn hình thay cho mã mở ví. Mã mở ví vẫn dùng được.',
  'passkey.enable': 'Bật mở bằng khóa truy cập',
  'passkey.enabling': 'Đang chờ khóa truy cập…',
  'passkey.later': 'Để sau',
  'passkey.enabled': 'Đã bật: lần sau có thể mở ví bằng khóa truy cập.',
  'passkey.unsupported': 'Khóa truy cập trên máy này không hỗ trợ mở ví. Hãy dùng mã mở ví.',
} as const;

export type WalletUnlockMessages = { readonly [K in keyof typeof walletUnlockVi]: string };
