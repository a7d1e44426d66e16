## Маркетплейс
cmd-market = Маркетплейс пула
cmd-market-opt-kind = Только такие предложения
cmd-market-opt-max-price = Только до этой цены
cmd-market-opt-sort = price (сначала дешёвые) или rating (сначала лучшие продавцы)
offer-kind-compute_time = вычислительное время
offer-kind-gameboost_slot = слот GameBoost
offer-kind-private_access = доступ в закрытый пул
offer-kind-cosmetic = косметика
unit-hour = час
unit-item = шт.
market-header = Маркетплейс { $pool }: { $from }–{ $to } из { $total }
market-line = #{ $code } { $title } · { $kind } · { $price } { $currency }/{ $unit } · { $seller } ★{ $rating }{ $left ->
        [-1] {""}
       *[other] {" "}· осталось { $left }
    }
market-empty = В { $pool } пока ничего не продаётся. Выставьте что-нибудь через /sell.
market-buy = Купить: { $title }
page-previous = ◀ Назад
page-next = Дальше ▶

cmd-sell = Выставить предложение на маркетплейс пула
cmd-sell-opt-kind = compute_time, gameboost_slot или cosmetic
cmd-sell-opt-price = Цена за час (аренда) или за штуку
cmd-sell-opt-title = Что вы предлагаете, в двух словах
cmd-sell-opt-machine = Имя вашей машины (для времени и GameBoost)
cmd-sell-opt-quantity = Сколько часов или штук (пусто — без ограничений)
sell-listed = Выставлено #{ $code } «{ $title }» за { $price } { $currency }/{ $unit }.

cmd-buy = Купить или забронировать предложение (сначала подтверждаете лично)
cmd-buy-opt-offer = Предложение (его #код в Telegram)
cmd-buy-opt-quantity = Сколько часов или штук (по умолчанию 1)
buy-confirm = Купить { $quantity } × «{ $title }» у { $seller } за { $amount } { $currency }? Деньги удерживаются, пока вы не подтвердите получение.
buy-done = Забронировано: сделка #{ $code } на «{ $title }», удержано { $amount } { $currency }. Продавец уведомлён; после получения подтвердите: /deal confirm { $code }.

cmd-deal = Ваши сделки: выполнить, подтвердить или отменить
cmd-deal-list = Ваши открытые сделки и следующие шаги
cmd-deal-deliver = Отметить сделку выполненной (продавец)
cmd-deal-confirm = Подтвердить сделку: продавец получает оплату (покупатель)
cmd-deal-cancel = Отменить сделку и вернуть деньги покупателю
cmd-deal-opt-deal = Сделка (её #код в Telegram)
deal-header = Ваши открытые сделки в { $pool }:
deal-line = #{ $code } { $quantity } × { $title } · { $amount } { $currency } · вы { $role } · { $state }
deal-role-seller = продавец
deal-role-buyer = покупатель
deal-none = У вас нет открытых сделок в { $pool }.
deal-button-deliver = Выполнено #{ $code }
deal-button-confirm = Подтвердить #{ $code }
deal-button-cancel = Отменить #{ $code }
deal-delivered = Сделка #{ $code } отмечена выполненной. У покупателя есть окно споров пула, чтобы подтвердить или оспорить; затем вам заплатят.
deal-confirmed = Сделка #{ $code } подтверждена: продавец получил оплату.
deal-cancelled = Сделка #{ $code } отменена: { $amount } { $currency } вернулись покупателю.
deal-state-reserving = бронируется
deal-state-failed = не удалась
deal-state-reserved = забронирована
deal-state-delivered = выполнена
deal-state-completed = завершена
deal-state-cancelled = отменена
deal-state-expired = истекла
deal-state-disputed = оспорена
deal-state-settled_by_dispute = решена спором

## Споры
cmd-dispute = Споры: открыть по сделке, голосовать, посмотреть
cmd-dispute-open = Оспорить сделку (покупатель или продавец)
cmd-dispute-vote = Голосовать по спору (офицеры и владелец)
cmd-dispute-show = Спор и заявления сторон
cmd-dispute-opt-statement = Что пошло не так
cmd-dispute-opt-id = Спор (его #код в Telegram)
cmd-dispute-opt-outcome = full (возврат), half (половина), partial (возврат суммы) или payout (продавцу)
cmd-dispute-opt-refund = Для частичного возврата: сколько вернуть покупателю
dispute-opened = Спор #{ $code } по «{ $title }» открыт. Деньги заморожены до решения офицеров.
dispute-button-full = Полный возврат
dispute-button-half = Вернуть половину
dispute-button-payout = Заплатить продавцу
dispute-vote-counted = Ваш голос учтён: подано { $votes }, нужно { $quorum } одинаковых.
dispute-vote-again = Вы уже голосовали по этому спору; ничего не изменилось.
dispute-vote-resolved = Ваш голос решил спор; расчёт проведён.
dispute-summary =
    Спор #{ $code } по «{ $title }» ({ $amount } { $currency }): { $state }
    решение: { $outcome } · возврат: { $refund } { $currency } · голосов: { $votes }
    { $statements }
dispute-state-opening = открывается
dispute-state-open = открыт
dispute-state-resolved = решён
dispute-state-completed = рассчитан
dispute-outcome-refund_full = полный возврат
dispute-outcome-refund_partial = частичный возврат
dispute-outcome-payout = выплата продавцу

## Выводы
cmd-withdraw = Вывести деньги из пула (платит владелец)
cmd-withdraw-request = Запросить вывод
cmd-withdraw-status = Выводы и их состояние
cmd-withdraw-paid = Отметить, что вы оплатили вывод (владелец)
cmd-withdraw-opt-amount = Сколько
cmd-withdraw-opt-kind = usdt_trc20, usdt_erc20, card, iban, paypal или other
cmd-withdraw-opt-destination = Адрес или реквизиты
cmd-withdraw-opt-id = Вывод (его #код в Telegram)
cmd-withdraw-opt-reference = Номер платежа (хеш транзакции, номер перевода)
withdraw-private-only = В выводе есть реквизиты: отправьте /withdraw request мне в личные сообщения.
withdraw-confirm = Вывести { $amount } { $currency } на { $kind } { $destination }? Сумма удерживается, пока { $quorum } из владельца и офицеров не одобрят и владелец не заплатит вам.
withdraw-requested = Вывод #{ $code } запрошен: нужно { $quorum } { $quorum ->
        [one] одобрение
        [few] одобрения
       *[many] одобрений
    }. Вы узнаете о каждом шаге.
withdraw-header = Выводы в { $pool }:
withdraw-line = #{ $code } { $amount } { $currency } · { $state } · одобрено { $approvals }/{ $quorum }{ $mine ->
        [yes] {""}
       *[other] {" "}· чужой
    }
withdraw-none = В { $pool } пока не было выводов.
withdraw-paid = Вывод #{ $code } на { $amount } { $currency } завершён.
withdraw-state-requesting = запрашивается
withdraw-state-failed = не удался
withdraw-state-requested = ждёт одобрения
withdraw-state-confirmed = одобрен, ждёт оплаты
withdraw-state-completed = оплачен
withdraw-state-rejected = отклонён
withdraw-state-expired = истёк
destination-usdt_trc20 = USDT (TRC-20)
destination-usdt_erc20 = USDT (ERC-20)
destination-card = карта
destination-iban = банковский счёт (IBAN)
destination-paypal = PayPal
destination-other = реквизиты

## Вознаграждения и репутация
cmd-reward = Доход пула: учёт работы, вознаграждения, взносы (владелец)
cmd-reward-contribute = Записать работу участника
cmd-reward-settle = Распределить сумму из казны по вкладу
cmd-reward-release = Выплатить удержанное вознаграждение сейчас
cmd-reward-fees = Списать членский взнос за период (премиум-пулы)
cmd-reward-opt-member = Кто сделал работу
cmd-reward-opt-units = Единицы проверенной работы
cmd-reward-opt-amount = Сколько распределить
cmd-reward-opt-hours = Окно: последние столько часов (по умолчанию неделя)
cmd-reward-opt-id = Идентификатор вознаграждения
cmd-reward-opt-period = Период, например 2026-11
reward-contributed = Записано { $units } { $units ->
        [one] единица
        [few] единицы
       *[many] единиц
    } работы.
reward-confirm = Распределить { $amount } { $currency } из казны между участниками по их работе за последние { $hours } ч? Доли удерживаются сутки, потом выплачиваются.
reward-held = Распределено { $members } { $members ->
        [one] участнику
       *[other] участникам
    }; удерживается до { $release } UTC (вознаграждение { $id }).
reward-released = Выплачено { $amount } { $currency } { $members } { $members ->
        [one] участнику
       *[other] участникам
    }.
reward-fees = Членские взносы: оплатили { $paid }, не смогли { $unpaid }; в казну поступило { $amount } { $currency }.
cmd-rating = Рейтинг и надёжность в этом пуле
cmd-rating-opt-member = Чей (по умолчанию ваш)
rating = Рейтинг продавца: { $rating }/100 (завершено { $sales }, проиграно споров { $lost }) · надёжность: { $reliability }/100 (покупок { $purchases }).
fraud-kind-round_trip = деньги ходят туда-обратно между одними людьми
fraud-kind-trade_cycle = цикл сделок
fraud-kind-shared_hwid = аккаунты с общей машиной
fraud-kind-shared_ip = аккаунты с общим адресом

## Уведомления экономики
notify-offer-listed = Новое в { $pool }: #{ $code } «{ $title }» от { $seller } за { $price } { $currency }. Смотрите /market.
notify-deal-reserved = { $buyer } купил(а) { $quantity } × «{ $title }» (сделка #{ $code }, удержано { $amount } { $currency }). Выполните и нажмите «Выполнено».
notify-deal-delivered = { $seller } выполнил(а) «{ $title }» (сделка #{ $code }). Подтвердите, чтобы заплатить, или /dispute open { $code }, если что-то не так.
notify-deal-completed = Сделка #{ $code } «{ $title }» завершена: вы получили { $net } { $currency }.
notify-deal-cancelled = Сделка #{ $code } «{ $title }» отменена; { $amount } { $currency } вернулись покупателю.
notify-deal-expired = Сделка #{ $code } «{ $title }» истекла невыполненной; { $amount } { $currency } вернулись покупателю.
notify-dispute-opened = { $opener } оспаривает сделку #{ $code } «{ $title }» ({ $amount } { $currency }): «{ $statement }». Для спора #{ $dispute } нужно { $quorum } одинаковых голосов.
notify-dispute-against = { $opener } открыл(а) спор #{ $dispute } по сделке #{ $code } «{ $title }». Деньги заморожены; добавьте свою сторону через API или сайт.
notify-dispute-posted = По «{ $title }» открыт спор (#{ $dispute }); решат офицеры.
notify-dispute-resolved = Спор по «{ $title }» решён: { $outcome }, покупателю возвращено { $refund } { $currency }.
notify-withdrawal-requested =
    { $member } просит вывести { $amount } { $currency } на { $kind } (#{ $code }).
    { $state }
notify-withdrawal-confirmed = Ваш вывод #{ $code } на { $amount } { $currency } одобрен; владелец заплатит вам.
notify-withdrawal-pay = Заплатите { $member } { $amount } { $currency } на { $kind }: { $destination }. Потом отметьте: /withdraw paid { $code } <номер платежа>.
notify-withdrawal-rejected = Ваш вывод #{ $code } на { $amount } { $currency } отклонён; деньги снова на балансе.
notify-withdrawal-expired = Ваш вывод #{ $code } на { $amount } { $currency } истёк; деньги снова на балансе.
notify-withdrawal-completed = Ваш вывод #{ $code } на { $amount } { $currency } оплачен (платёж { $reference }).
notify-reward-held = Вы заработали { $amount } { $currency } в { $pool }: удерживается до { $release } UTC, затем выплата.
notify-reward-released = { $amount } { $currency } вознаграждения из { $pool } зачислены на ваш баланс.
notify-fraud = Подозрение: { $kind } в { $pool }: { $members }. Доказательства: { $evidence }
notify-fees = Членские взносы за { $period }: оплатили { $paid }, не оплатили { $unpaid }.

## Пополнения
cmd-topup = Пополнить баланс: карта, USDT или Telegram Stars
cmd-topup-opt-amount = Сколько добавить на баланс
cmd-topup-opt-method = stripe (карта), nowpayments (USDT) или stars (Telegram)
topup-pay = Чтобы добавить { $amount } { $currency }, оплатите { $price } на странице ниже. Баланс пополнится, как только платёж подтвердится.
topup-pay-button = Оплатить { $price }
topup-stars = Чтобы добавить { $amount } { $currency }, оплатите { $stars } ⭐ по счёту ниже.
topup-stars-telegram-only = Пополнение звёздами работает в Telegram; здесь используйте stripe или nowpayments.
topup-invoice-title = Пополнение: { $pool }
topup-invoice-description = { $amount } { $currency } на ваш баланс в { $pool }
topup-invoice-stale = Этот счёт больше не действует. Начните новое пополнение через /topup.
topup-credited = Пополнение пришло: на ваш баланс в { $pool } добавлено { $amount } { $currency }.
topup-review = Мы получили ваш платёж, но сумма не совпадает с пополнением. Администратор проверит; ничего не потеряно.
topup-failed = Пополнение на { $amount } { $currency } в { $pool } не прошло; с баланса ничего не списано.
topup-refunded = Пополнение на { $amount } { $currency } в { $pool } возвращено.

## Агенты
cmd-machines-opt-action = list (по умолчанию) или add-code (код для подключения машины)
machine-online = 🟢
machine-offline = ⚪
agent-code = Код для подключения машины: { $code } (действует 10 минут, один раз). На этой машине выполните:
    npx power-realms agent join { $code }
notify-session-ended-buyer = Ваш сеанс GameBoost в { $pool } завершён: сыграно { $minutes } мин, оплачено { $amount } { $currency } (возвращено { $refund } за качество ниже правил пула), { $returned } { $currency } вернулись на баланс.
notify-session-ended-node = Сеанс GameBoost на вашей машине в { $pool } завершён: { $minutes } мин, начислено { $amount } { $currency } до комиссии платформы (возвращено { $refund } за качество).

## GameBoost
cmd-rent = Арендовать слот GameBoost и получить ссылку на игру
cmd-rent-opt-offer = Предложение GameBoost (его #код в Telegram)
cmd-rent-opt-minutes = На сколько минут (по умолчанию 60); платите за сыгранные минуты
rent-confirm = Арендовать «{ $title }» на { $minutes } мин? Удерживается { $amount } { $currency }; вы платите за сыгранные минуты, минус возврат, если качество ниже правил пула.
rent-ready = Слот готов на { $minutes } мин. Откройте в браузере (никому не передавайте ссылку): { $link }
rent-again = Эта аренда уже начата; ссылка была отправлена вместе с ней.
