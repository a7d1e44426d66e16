# Веб-компаньон (web/app) и команда /web в ботах. Ключи начинаются с web- (и cmd-web).

## /web в ботах
cmd-web = Открыть кошелёк, рынок и GameBoost в браузере
web-bot-link = Ваша ссылка для входа в веб-компаньон (одноразовая, 10 минут — никому не пересылайте):
web-bot-open = Открыть Power Realms

## Рамка
web-nav-label = Разделы пула
web-nav-wallet = Кошелёк
web-nav-market = Рынок
web-nav-gameboost = GameBoost
web-language-switch = English
web-sign-out = Выйти
web-back-home = К вашим пулам
web-not-found-title = Здесь ничего нет
web-not-found-text = Такой страницы нет, или она вам недоступна.
web-error-title = Что-то пошло не так
web-error-text = Страницу не удалось показать. Попробуйте чуть позже.

## Уведомления в реальном времени (ваши)
web-event-HoldCreated = Деньги заблокированы.
web-event-HoldReleased = Блокировка выплачена.
web-event-HoldVoided = Блокировка отменена, деньги вернулись.
web-event-HoldExpired = Блокировка истекла, деньги вернулись.
web-event-TransferPosted = Ваш баланс изменился.
web-event-DealReserved = Сделка зарезервирована.
web-event-DealDelivered = Сделка выполнена продавцом.
web-event-DealCompleted = Сделка завершена.
web-event-DisputeOpened = Открыт спор.
web-event-DisputeResolved = Спор решён.
web-event-WithdrawalRequested = Вывод запрошен, ждёт одобрения.
web-event-WithdrawalConfirmed = Вывод одобрен.
web-event-WithdrawalCompleted = Вывод выплачен.
web-event-TopupCredited = Пополнение зачислено.
web-event-TopupRefunded = Пополнение возвращено.
web-event-RewardsHeld = Вам начисляется доля награды.
web-event-SessionStarted = Сеанс GameBoost начался.
web-event-SessionEnded = Сеанс GameBoost завершён.

## Главная и вход
web-home-title = Ваши пулы — в браузере
web-home-lead = Кошелёк, рынок и стримы GameBoost пулов Discord и Telegram, в которых вы состоите.
web-sign-in = Вход
web-sign-in-bot = Отправьте /web боту Power Realms в Discord или Telegram и откройте ссылку из ответа.
web-sign-in-telegram = Или откройте приложение Power Realms из меню бота в Telegram — вход произойдёт сразу.
web-sign-in-discord = Войти через Discord
web-pools-title = Здравствуйте, { $name }
web-pools-empty = Вы пока не состоите ни в одном пуле. Вступите командой /join на сервере Discord или в группе Telegram.
web-pool-type-public = открытый
web-pool-type-private = закрытый
web-pool-type-premium = премиум
web-role-owner = владелец
web-role-officer = офицер
web-role-member = участник
web-status-active = активен
web-status-suspended = приостановлен
web-status-banned = заблокирован
web-status-left = вышел
web-held = { $amount } { $currency } заблокировано
web-link-title = Продолжить как { $name }?
web-link-text = Эта ссылка выполнит вход в веб-компаньон Power Realms в этом браузере.
web-link-continue = Продолжить
web-link-expired-title = Ссылка больше не действует
web-link-expired-text = Ссылка для входа срабатывает один раз в течение 10 минут. Отправьте боту /web, чтобы получить новую.
web-telegram-title = Вход через Telegram
web-telegram-checking = Проверяем ваш аккаунт Telegram…
web-telegram-missing = Откройте эту страницу из приложения Power Realms в Telegram.
web-discord-failed = Не удалось войти через Discord

## Кошелёк
web-available = Доступно
web-on-hold = Заблокировано
web-rating = Рейтинг
web-reliability = надёжность { $value }
web-holds-title = Заблокировано
web-holds-empty = Ничего не заблокировано.
web-col-what = Что
web-col-to = Кому
web-col-amount = Сумма
web-col-until = До
web-deals-title = Открытые сделки
web-deal-role-buyer = вы покупаете
web-deal-role-seller = вы продаёте
web-deal-reserving = резервируется
web-deal-failed = не удалась
web-deal-reserved = зарезервирована
web-deal-delivered = выполнена
web-deal-completed = завершена
web-deal-cancelled = отменена
web-deal-expired = истекла
web-deal-disputed = оспаривается
web-deal-settled_by_dispute = решена спором
web-withdrawals-title = Выводы
web-withdrawals-empty = Выводов пока нет. Запросите вывод командой /withdraw в боте.
web-withdrawal-requesting = запрашивается
web-withdrawal-failed = не удался
web-withdrawal-requested = ждёт одобрения
web-withdrawal-confirmed = одобрен, выплачивается
web-withdrawal-completed = выплачен
web-withdrawal-rejected = отклонён
web-withdrawal-expired = истёк
web-approvals = одобрений: { $approvals } из { $quorum }
web-history-title = История
web-history-empty = Платежей пока нет.
web-older = Раньше
web-code-deal = Сделка
web-code-deal_pool_cut = Доля пула
web-code-dispute_escrow = Депозит спора
web-code-gameboost = GameBoost
web-code-machine_slots = Слоты машин
web-code-machine_slots_fee = Комиссия за слоты машин
web-code-membership_fee = Членский взнос
web-code-platform_fee = Комиссия платформы
web-code-premium_pool = Премиум-пул
web-code-reversal = Сторно
web-code-reward = Награда
web-code-reward_cancel = Награда отменена
web-code-reward_deposit = Внесение награды
web-code-reward_fund = Фонд награды
web-code-topup_refund = Возврат пополнения
web-code-withdrawal = Вывод
web-code-deposit = Зачисление
web-code-topup_stripe = Пополнение (карта)
web-code-topup_nowpayments = Пополнение (USDT)
web-code-topup_stars = Пополнение (Stars)

## Рынок
web-market-title = Рынок · { $pool }
web-market-bought = Зарезервировано: { $title } за { $total }. Деньги заблокированы, пока вы не подтвердите выполнение.
web-market-count = { $count ->
    [one] { $count } предложение
    [few] { $count } предложения
   *[many] { $count } предложений
}
web-filter-kind = Вид
web-filter-all = Все виды
web-kind-compute_time = Вычислительное время
web-kind-gameboost_slot = Слот GameBoost
web-kind-private_access = Доступ в закрытый пул
web-kind-cosmetic = Косметика
web-filter-sort = Сортировка
web-sort-price = Сначала дешёвые
web-sort-rating = Сначала с высоким рейтингом
web-filter-max = Макс. цена
web-filter-search = Поиск по названию
web-filter-apply = Показать
web-offer-seller = продавец { $name } · рейтинг { $rating }
web-per-hour = в час
web-per-item = за штуку
web-left = осталось { $count }
web-offer-mine = Ваше предложение
web-hours = Часы
web-quantity = Количество
web-reserve = Зарезервировать
web-buy = Купить
web-play-now = Играть сейчас в GameBoost →
web-previous = ← Назад
web-next = Дальше →
web-page = Страница { $page } из { $pages }

## GameBoost
web-gameboost-title = GameBoost
web-gameboost-lead = Играйте на мощном ПК участника пула со стримом в этот браузер. Выберите узел, арендуйте минуты и играйте — оплачиваются только использованные минуты.
web-measuring = Измеряем ваше соединение…
web-server-rtt = Ваша задержка до сервера: { $ms } мс
web-nodes-empty = В этом пуле пока нет слотов GameBoost.
web-node-online = в сети
web-node-offline = не в сети
web-node-rtt = медиана RTT
web-node-fps = медиана FPS
web-node-sessions = сеансы
web-minutes = Минуты
web-rent-play = Арендовать и играть
web-sessions-title = Ваши сеансы
web-session-reserving = запускается
web-session-failed = не удался
web-session-waiting = ждёт стрим
web-session-live = идёт
web-session-ended = завершён
web-session-title = Сеанс GameBoost
web-end-buyer = завершён вами
web-end-seller = завершён узлом
web-end-timeout = арендованное время истекло
web-end-agent_lost = узел отключился
web-end-viewer_lost = плеер был закрыт
web-end-never_started = стрим так и не начался
web-session-rented = Арендовано
web-session-used = Использовано
web-minutes-n = { $count ->
    [one] { $count } минута
    [few] { $count } минуты
   *[many] { $count } минут
}
web-session-held = Заблокировано
web-session-charged = Списано
web-session-sla-refund = Возврат по SLA
web-session-returned = Вернулось в кошелёк
web-session-started = Начался
web-session-open-player = Открыть плеер
web-session-end = Завершить сеанс

# The other side of a transfer when it is not a person: the pool's and the platform's own accounts.
web-account-member = Участник
web-account-treasury = Казна пула
web-account-escrow = Эскроу
web-account-platform_fee = Комиссия платформы
web-account-custodial = Пополнения и выводы
web-account-external = Вне платформы

# A machine's `agent bench` figures on its offers.
web-bench-encode = кодирование 720p { $fps } к/с
web-bench-gpu-encode = кодирование на GPU { $fps } к/с
web-bench-encode-title = Как быстро хост кодирует поток 1280×720 (замер его агента): 60 хватает, больше — запас для игры.
