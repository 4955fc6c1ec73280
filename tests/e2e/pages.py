"""What a person does in the Django admin, in selenium's terms: open a page, type into a field,
pick from a list, run a list action, read the messages. Every wait is explicit: it ends as soon
as its condition holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from selenium.common.exceptions import (
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from tests.e2e.conftest import WAIT_SECONDS


class Admin:
    def __init__(self, driver: WebDriver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    # -- pages ---------------------------------------------------------------------------------

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def log_in(self, username: str, password: str) -> None:
        self.open("/admin/login/")
        self.type("username", username)
        self.type("password", password)
        self.submit(self.find("input[type=submit]"))
        self.wait_for_text("#user-tools", username, ignore_case=True)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return self.find(css).text

    def inline(self, title: str) -> str:
        """The rows of the inline whose heading names `title`, as text."""
        groups = self.find_all("div.inline-group")
        found = [group.text for group in groups if title.lower() in group.text.lower()]
        assert found, f"no inline named {title!r}"
        return found[0]

    def click_link(self, text: str) -> None:
        self.submit(self.driver.find_element(By.LINK_TEXT, text))

    def click_button(self, text: str) -> None:
        self.submit(self.driver.find_element(
            By.XPATH, f"//button[normalize-space()={_xpath_string(text)}]"
        ))  # fmt: skip

    def submit(self, element: WebElement) -> None:
        """Click something that loads another page, and wait until it has replaced this one."""
        page = self.find("html")
        element.click()
        self.wait_until(_replaced(page), "the next page never came")

    # -- forms ---------------------------------------------------------------------------------

    def type(self, name: str, value: object) -> None:
        field = self.find(f"[name={name}]")
        field.clear()
        field.send_keys(str(value))

    def choose(self, name: str, label: str) -> None:
        Select(self.find(f"select[name={name}]")).select_by_visible_text(label)

    def choose_searching(self, name: str, search: str, label_part: str) -> None:
        """An autocomplete field: open it, type into its search box, click the match."""
        self.find(f"select[name={name}] + .select2 .select2-selection").click()
        box = self.wait_until(lambda driver: self._visible(".select2-search__field"))
        box.send_keys(search)
        self.wait_until(lambda driver: self._option(label_part)).click()

    def save(self) -> None:
        self.submit(self.find("input[name=_save]"))

    def _visible(self, css: str) -> WebElement | None:
        return next((each for each in self.find_all(css) if each.is_displayed()), None)

    def _option(self, label_part: str) -> WebElement | None:
        options = self.find_all(".select2-results__option")
        return next((each for each in options if label_part in each.text), None)

    # -- change lists ----------------------------------------------------------------------------

    def run_action(self, action: str, selected: Iterable[int]) -> None:
        """Tick the rows, pick the action, press Go."""
        for pk in selected:
            self.find(f"input.action-select[value='{pk}']").click()
        Select(self.find("select[name=action]")).select_by_value(action)
        self.submit(self.find("button[name=index]"))

    def messages(self) -> list[str]:
        return [each.text for each in self.find_all("ul.messagelist li")]

    # -- the progress bar -------------------------------------------------------------------------

    def record_bar(self, css: str) -> None:
        """Keep every value the page's script gives the bar, in the tab's session storage, so
        they outlive a reload of the page."""
        self.driver.execute_script(
            """const bar = document.querySelector(arguments[0]);
            sessionStorage.setItem("barValues", "[]");
            new MutationObserver(() => {
                const seen = JSON.parse(sessionStorage.getItem("barValues"));
                sessionStorage.setItem("barValues", JSON.stringify([...seen, bar.value]));
            }).observe(bar, {attributes: true, attributeFilter: ["value"]});""",
            css,
        )

    def bar_values(self) -> list[float]:
        return self.driver.execute_script('return JSON.parse(sessionStorage.getItem("barValues"));')

    # -- waiting -------------------------------------------------------------------------------

    def wait_until(self, condition: Callable[[WebDriver], object], message: str = ""):
        # A page being replaced leaves stale elements behind: look again on the next poll.
        waiting = WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.2,
                                ignored_exceptions=[StaleElementReferenceException])  # fmt: skip
        return waiting.until(condition, message)

    def wait_for_text(self, css: str, text: str, *, ignore_case: bool = False) -> None:
        def present(driver) -> bool:
            seen = " ".join(each.text for each in self.find_all(css))
            return text.lower() in seen.lower() if ignore_case else text in seen

        try:
            self.wait_until(present)
        except TimeoutException:
            seen = [each.text for each in self.find_all(css)]
            raise AssertionError(f"{text!r} never appeared in {css}; it shows {seen}") from None


def _xpath_string(text: str) -> str:
    return f'"{text}"' if '"' not in text else f"'{text}'"


class Screens(Admin):
    """One browser for a whole module: a session per role, logged in once, and the language
    of each request (the `django_language` cookie and the Accept-Language header), switched
    between pages without logging in again."""

    SESSION_COOKIE = "sessionid"

    def __init__(self, driver: WebDriver, base_url: str):
        super().__init__(driver, base_url)
        self.sessions: dict[str, dict] = {}
        driver.execute_cdp_cmd("Network.enable", {})

    def log_in_as(self, role: str, username: str, password: str) -> None:
        self.driver.delete_all_cookies()
        self.log_in(username, password)
        self.sessions[role] = self.driver.get_cookie(self.SESSION_COOKIE)

    def be(self, role: str, language: str) -> None:
        """The next pages as `role` would see them, in `language`."""
        if not self.driver.current_url.startswith(self.base_url):
            # Cookies are set for the page's own host: come back from another (e-conomic's).
            self.open("/static/accounts_app/img/logo.svg")
        self.driver.delete_cookie(self.SESSION_COOKIE)
        self.driver.add_cookie(self.sessions[role])
        self.driver.add_cookie({"name": "django_language", "value": language, "path": "/"})
        self.driver.execute_cdp_cmd(
            "Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": language}}
        )

    def visit(self, path: str) -> str:
        """Open a page and return what a person reads on it."""
        self.open(path)
        return self.page_text()

    def page_text(self) -> str:
        """The page's own part (its messages and content, not the header or the navigation
        beside it), or the whole body of a page that is not the admin's."""
        main = self.find_all("main#content-start")
        return (main[0] if main else self.find("body")).text

    def screenshot(self, path) -> None:
        """The whole page (up to 4,000 px tall) at the window's width, as PNG."""
        import base64

        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000),
                "scale": 1}  # fmt: skip
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path.write_bytes(base64.b64decode(shot["data"]))


def _replaced(element: WebElement) -> Callable[[WebDriver], bool]:
    """Like `staleness_of`, but a node the driver reports gone from the document in the middle of
    a page load ("does not belong to the document", a WebDriverException) counts as replaced."""

    def gone(driver: WebDriver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return gone
