"""Synthetic London residents for linkage exercises: no real person's data.

A seeded Faker (en_GB) draws people; a second file holds some of the same people as another
service would have recorded them, with realistic corruptions: typing errors, first name and surname
transposed, nicknames, a move to a new address and postcode, postcode typing errors, a missing or
mistyped date of birth. The same seed and difficulty give the same files (with the pinned Faker);
the generated records are stored with the exercise, so a Faker upgrade never changes an exercise.
"""

import random
from dataclasses import dataclass, replace
from datetime import date

from faker import Faker

# London postcode districts (inner and outer), so addresses look like the boroughs' own data.
LONDON_DISTRICTS = (
    [f"E{n}" for n in range(1, 19)]
    + [f"N{n}" for n in range(1, 23)]
    + [f"NW{n}" for n in range(1, 12)]
    + [f"SE{n}" for n in range(1, 29)]
    + [f"SW{n}" for n in range(1, 21)]
    + [f"W{n}" for n in range(1, 15)]
    + [f"BR{n}" for n in range(1, 8)]
    + [f"CR{n}" for n in range(0, 9)]
    + [f"HA{n}" for n in range(0, 10)]
    + [f"IG{n}" for n in range(1, 12)]
    + [f"KT{n}" for n in range(1, 10)]
    + [f"RM{n}" for n in range(1, 14)]
    + [f"TW{n}" for n in range(1, 20)]
    + [f"UB{n}" for n in range(1, 11)]
    + ["EC1A", "EC2M", "WC1E", "WC2H"]
)
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code uses

NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Dick",
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Katherine": "Kate",
    "Catherine": "Cathy",
    "James": "Jim",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Jennifer": "Jen",
    "Patricia": "Pat",
    "Susan": "Sue",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Edward": "Ted",
    "Alexander": "Alex",
    "Rebecca": "Becky",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Jonathan": "Jon",
    "Nicholas": "Nick",
    "Victoria": "Vicky",
    "Deborah": "Debbie",
    "Stephen": "Steve",
    "Andrew": "Andy",
    "Peter": "Pete",
    "Charlotte": "Lottie",
    "Abigail": "Abby",
    "Frederick": "Fred",
    "Gregory": "Greg",
    "Kenneth": "Ken",
    "Lawrence": "Larry",
    "Ronald": "Ron",
    "Timothy": "Tim",
    "Jacqueline": "Jackie",
    "Josephine": "Jo",
    "Samantha": "Sam",
    "Zachary": "Zac",
}
FIELDS = ("record_id", "first_name", "surname", "date_of_birth", "address", "postcode")


@dataclass(frozen=True)
class Person:
    record_id: str
    first_name: str
    surname: str
    date_of_birth: date | None
    address: str
    postcode: str

    def as_row(self) -> list[str]:
        dob = self.date_of_birth.isoformat() if self.date_of_birth else ""
        return [self.record_id, self.first_name, self.surname, dob, self.address, self.postcode]


@dataclass(frozen=True)
class Difficulty:
    """How the second file differs from the first. `corruption_rate` is the chance that a shared
    person's record is changed at all; `max_corruptions` how many changes such a record gets."""

    overlap: float
    corruption_rate: float
    max_corruptions: int


DIFFICULTIES = {
    "easy": Difficulty(overlap=0.7, corruption_rate=0.3, max_corruptions=1),
    "hard": Difficulty(overlap=0.5, corruption_rate=0.9, max_corruptions=3),
}


@dataclass
class GeneratedExercise:
    left: list[Person]
    right: list[Person]
    true_pairs: list[tuple[str, str]]


def _postcode(rng: random.Random) -> str:
    inward = f"{rng.randint(0, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
    return f"{rng.choice(LONDON_DISTRICTS)} {inward}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text + text[-1:]
    i = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == "drop":
        return text[:i] + text[i + 1 :]
    if kind == "double":
        return text[:i] + text[i] + text[i:]
    letter = rng.choice("aeioulnrst")
    return text[:i] + letter + text[i + 1 :]


def _postcode_typo(rng: random.Random, postcode: str) -> str:
    kind = rng.choice(("no_space", "lower", "inward"))
    if kind == "no_space":
        return postcode.replace(" ", "")
    if kind == "lower":
        return postcode.lower()
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}{inward[2]}{inward[1]}"


def _corrupt(rng: random.Random, fake: Faker, person: Person) -> Person:
    kind = rng.choice(
        ("typo_first", "typo_surname", "transpose", "nickname", "moved", "postcode", "no_dob", "dob_swap")
    )
    if kind == "typo_first":
        return replace(person, first_name=_typo(rng, person.first_name))
    if kind == "typo_surname":
        return replace(person, surname=_typo(rng, person.surname))
    if kind == "transpose":
        return replace(person, first_name=person.surname, surname=person.first_name)
    if kind == "nickname":
        nickname = NICKNAMES.get(person.first_name)
        return replace(person, first_name=nickname) if nickname else replace(person, first_name=person.first_name[0])
    if kind == "moved":
        return replace(person, address=fake.street_address().replace("\n", ", "), postcode=_postcode(rng))
    if kind == "postcode":
        return replace(person, postcode=_postcode_typo(rng, person.postcode))
    if kind == "no_dob":
        return replace(person, date_of_birth=None)
    dob = person.date_of_birth
    if dob and dob.day <= 12 and dob.day != dob.month:  # day and month typed the American way round
        return replace(person, date_of_birth=dob.replace(day=dob.month, month=dob.day))
    return replace(person, date_of_birth=None)


def _person(fake: Faker, rng: random.Random, record_id: str) -> Person:
    first_name = rng.choice(list(NICKNAMES)) if rng.random() < 0.3 else fake.first_name()
    return Person(
        record_id=record_id,
        first_name=first_name,
        surname=fake.last_name(),
        date_of_birth=fake.date_of_birth(minimum_age=18, maximum_age=95),
        address=fake.street_address().replace("\n", ", "),
        postcode=_postcode(rng),
    )


def generate(*, seed: int, people: int, difficulty: str) -> GeneratedExercise:
    """`people` residents in the left file; the right file holds `overlap` of them (corrupted as the
    difficulty says) and as many new residents again, shuffled, so row order gives nothing away."""
    settings = DIFFICULTIES[difficulty]
    rng = random.Random(seed)  # noqa: S311 - repeatable synthetic data, not secrets
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    left = [_person(fake, rng, f"L{n:06d}") for n in range(1, people + 1)]
    shared = rng.sample(left, round(people * settings.overlap))
    right_people: list[tuple[Person, str | None]] = []
    for person in shared:
        copy = person
        if rng.random() < settings.corruption_rate:
            for _ in range(rng.randint(1, settings.max_corruptions)):
                copy = _corrupt(rng, fake, copy)
        right_people.append((copy, person.record_id))
    for _ in range(people - len(shared)):
        right_people.append((_person(fake, rng, ""), None))
    rng.shuffle(right_people)
    right, true_pairs = [], []
    for n, (person, left_id) in enumerate(right_people, start=1):
        record_id = f"R{n:06d}"
        right.append(replace(person, record_id=record_id))
        if left_id:
            true_pairs.append((left_id, record_id))
    return GeneratedExercise(left=left, right=right, true_pairs=sorted(true_pairs))
